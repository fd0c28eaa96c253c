"""Demo cases seeded into the reference server: one or more per checklist category.

`DEMO_CASES` is plain data (the demo video generator and tests read the RMAs,
tracking numbers and order ids from it). Times are relative: `received_hours_ago`
becomes `received_at` when the cases are seeded, and `inspect_by` is 24 h later,
so some cases are overdue and some are not whenever the demo runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from stdnum import luhn

INSPECT_WITHIN = timedelta(hours=24)


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit (IMEI: 14 digits + 1)."""
    return digits + luhn.calc_check_digit(digits)


def ups_complete(body: str) -> str:
    """Build a UPS 1Z number from its 15 characters after `1Z`, adding the check digit."""
    if len(body) != 15:
        raise ValueError("a UPS 1Z number has 15 characters before its check digit")
    total = 0
    for i, ch in enumerate(body.upper()):
        value = int(ch) if ch.isdigit() else (ord(ch) - ord("A") + 2) % 10
        total += value * (2 if i % 2 == 1 else 1)
    return "1Z" + body.upper() + str((10 - total % 10) % 10)


# Issue 16.1: the product code printed on the item that is in each demo box, for the
# identity gate (type or scan it at the gate step; the demo video shows return labels
# only, so a product code read never reaches the scan screen). One box holds another
# product than its case says (a swap to train on): RMA-2026-0001242's case names a
# Redwave R12, the box holds a phone with another code. Cases without `gtin` (the
# clothing and shoes) show the "not known" path: never a mismatch.
DEMO_PRODUCT_CODES: dict[str, str] = {
    "RMA-2026-0001234": "6901234567892",
    "RMA-2026-0001235": "6904123000111",
    "RMA-2026-0001236": "6907781000356",
    "RMA-2026-0001238": "6905550000132",
    "RMA-2026-0001242": "6904123000357",  # the swap: the case says 6909990000189
}

# The order that covers two cases (a lookup by it answers 300 with both).
DEMO_AMBIGUOUS_ORDER_ID = "SO-88812"

# Accessory names match the `accessory` of the steps in resources/checklists/*.json,
# so the station can tick them off against expected_accessories.
DEMO_CASES: list[dict[str, Any]] = [
    {
        "case_id": "C-000101",
        "rma": "RMA-2026-0001234",
        "order_id": DEMO_AMBIGUOUS_ORDER_ID,
        "status": "awaiting_inspection",
        "customer_reason": "defective",
        "customer_comment": "左耳有杂音，音量调大时更明显",
        "tracking_numbers": ["SF1423007859621"],
        "received_hours_ago": 30.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "HX-200-BLK",
                "title": "无线降噪耳机 HX-200 黑色",
                "category": "audio",
                "quantity": 1,
                "serial_number": "HX2-00931877",
                "unit_price": "599.00",
                "currency": "CNY",
                "expected_accessories": ["charging cable", "carry case", "user manual"],
                "gtin": "6901234567892",
                "expected_weight_g": 268,
            }
        ],
    },
    {
        "case_id": "C-000102",
        "rma": "RMA-2026-0001235",
        "order_id": "SO-90417",
        "status": "awaiting_inspection",
        "customer_reason": "not_as_described",
        "customer_comment": "Screen tint is yellow, not like the photos in the listing",
        "tracking_numbers": [ups_complete("A4F790034172519")],
        "received_hours_ago": 5.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "NX5-256-BLU",
                "title": "Nova X5 5G smartphone, 8 GB + 256 GB, midnight blue",
                "category": "phones_tablets",
                "quantity": 1,
                "serial_number": luhn_complete("35847609123456"),
                "unit_price": "2999.00",
                "currency": "CNY",
                "expected_accessories": ["charging cable", "SIM eject tool", "quick start guide"],
                "gtin": "6904123000111",
                "expected_weight_g": 205,
            }
        ],
    },
    {
        "case_id": "C-000103",
        "rma": "RMA-2026-0001236",
        "order_id": "SO-90533",
        "status": "awaiting_inspection",
        "customer_reason": "damaged_in_transit",
        "customer_comment": "外包装破损，水壶底部有凹痕",
        "tracking_numbers": ["JDVA28419365077"],
        "received_hours_ago": 20.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "KT-170-SS",
                "title": "电热水壶 1.7L 不锈钢",
                "category": "kitchen_appliances",
                "quantity": 1,
                "serial_number": "KT17-2405-88123",
                "unit_price": "159.00",
                "currency": "CNY",
                "expected_accessories": ["removable parts", "user manual"],
                "gtin": "6907781000356",
                "expected_weight_g": 1150,
            },
            {
                "line_id": "L2",
                "sku": "HB-600-WHT",
                "title": "手持料理棒 600W 白色",
                "category": "kitchen_appliances",
                "quantity": 1,
                "serial_number": "HB6-0031552",
                "unit_price": "229.00",
                "currency": "CNY",
                "expected_accessories": ["removable parts", "user manual"],
                "gtin": "6907781000424",
                "expected_weight_g": 820,
            },
        ],
    },
    {
        "case_id": "C-000104",
        "rma": "RMA-2026-0001237",
        "order_id": DEMO_AMBIGUOUS_ORDER_ID,
        "status": "awaiting_inspection",
        "customer_reason": "not_as_described",
        "customer_comment": "尺码偏小，鞋盒完好",
        "tracking_numbers": ["SF1423007859638"],
        "received_hours_ago": 2.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "TRS-42-GRY",
                "title": "男款越野跑鞋 42 码 灰色",
                "category": "apparel_shoes",
                "quantity": 1,
                "serial_number": None,
                "unit_price": "469.00",
                "currency": "CNY",
                "expected_accessories": ["original packaging", "spare buttons or laces"],
            }
        ],
    },
    {
        "case_id": "C-000105",
        "rma": "RMA-2026-0001238",
        "order_id": "SO-91002",
        "status": "awaiting_inspection",
        "customer_reason": "damaged_in_transit",
        "customer_comment": "Outer shell cracked on arrival",
        "tracking_numbers": ["SF1423007860154"],
        "received_hours_ago": 26.0,
        "items": [
            {
                "line_id": "L1",
                # No checklist for this category: the station falls back to `generic`.
                "sku": "CH-L-BLK",
                "title": "Cycling helmet, size L, matte black",
                "category": "sports_outdoor",
                "quantity": 1,
                "serial_number": "CHL-77120456",
                "unit_price": "349.00",
                "currency": "CNY",
                "expected_accessories": ["user manual", "storage bag"],
                "gtin": "6905550000132",
                "expected_weight_g": 390,
            }
        ],
    },
    {
        "case_id": "C-000106",
        "rma": "RMA-2026-0001239",
        "order_id": "SO-87120",
        "status": "closed",
        "customer_reason": "no_longer_needed",
        "customer_comment": "",
        "tracking_numbers": ["SF1423007801937"],
        "received_hours_ago": 96.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "BG-MINI-RED",
                "title": "BoomGo mini portable Bluetooth speaker, red",
                "category": "audio",
                "quantity": 1,
                "serial_number": "BGM-1180274",
                "unit_price": "199.00",
                "currency": "CNY",
                "expected_accessories": ["charging cable", "lanyard"],
                "gtin": "6905550000200",
                "expected_weight_g": 310,
            }
        ],
    },
    {
        "case_id": "C-000107",
        "rma": "RMA-2026-0001240",
        "order_id": "SO-91377",
        "status": "cancelled",
        "customer_reason": "wrong_item",
        "customer_comment": "收到的颜色不对",
        "tracking_numbers": ["JDVA28419371104"],
        "received_hours_ago": 1.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "TP11-128-SLV",
                "title": "平板电脑 TabPro 11 Wi-Fi 128GB 银色",
                "category": "phones_tablets",
                "quantity": 1,
                "serial_number": "TP11W-5K2Q8830",
                "unit_price": "2399.00",
                "currency": "CNY",
                "expected_accessories": ["charging cable", "power adapter"],
                "gtin": "6904123000289",
                "expected_weight_g": 480,
            }
        ],
    },
    {
        "case_id": "C-000108",
        "rma": "RMA-2026-0001241",
        "order_id": "SO-91420",
        "status": "awaiting_inspection",
        "customer_reason": "no_longer_needed",
        "customer_comment": "不喜欢颜色，吊牌还在",
        "tracking_numbers": ["JDVA28419380562"],
        "received_hours_ago": 12.0,
        "items": [
            {
                "line_id": "L1",
                "sku": "KC-W-M-OAT",
                "title": "女款羊毛针织开衫 M 码 燕麦色",
                "category": "apparel_shoes",
                "quantity": 1,
                "serial_number": None,
                "unit_price": "389.00",
                "currency": "CNY",
                "expected_accessories": ["original packaging", "spare buttons or laces"],
            }
        ],
    },
    {
        "case_id": "C-000109",
        "rma": "RMA-2026-0001242",
        "order_id": "SO-91588",
        "status": "awaiting_inspection",
        "customer_reason": "defective",
        "customer_comment": "充电时发烫，偶尔自动重启",
        "tracking_numbers": ["SF1423007866210"],
        "received_hours_ago": 23.5,
        "items": [
            {
                "line_id": "L1",
                "sku": "RW-R12-256-BLK",
                "title": "Redwave R12 手机 12+256GB 曜石黑",
                "category": "phones_tablets",
                "quantity": 1,
                "serial_number": luhn_complete("86491204557318"),
                "unit_price": "1899.00",
                "currency": "CNY",
                "expected_accessories": ["charging cable", "SIM eject tool", "protective case"],
                "gtin": "6909990000189",
                "expected_weight_g": 198,
            }
        ],
    },
]


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def demo_case_documents(now: datetime | None = None) -> list[dict[str, Any]]:
    """The demo cases in the lookup answer's shape, timed relative to `now`."""
    moment = now or datetime.now(UTC)
    docs: list[dict[str, Any]] = []
    for spec in DEMO_CASES:
        doc = {k: v for k, v in spec.items() if k != "received_hours_ago"}
        received = moment - timedelta(hours=float(spec["received_hours_ago"]))
        doc["received_at"] = _ts(received)
        doc["inspect_by"] = _ts(received + INSPECT_WITHIN)
        doc["items"] = [dict(item) for item in spec["items"]]
        docs.append(doc)
    return docs
