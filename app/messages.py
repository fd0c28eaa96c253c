"""Every text the core shows a person, in English and Simplified Chinese, from one table.

The GUI, the reports and the command line all read these tables: a core message is a key
(`t`), an enum value shown to a person goes through `value_label`, and a `DomainError`
raised with `key=` renders itself in either language (`DomainError.message`). ui/ widget
texts stay in Qt Linguist (resources/translations); everything from app/ is here.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh_CN")

# key -> (English, Simplified Chinese)
_LABELS: dict[str, tuple[str, str]] = {
    # inspection report
    "inspection_title": ("Return inspection report", "退货检验报告"),
    "training": ("TRAINING - not a real inspection, nothing was sent to the case system",
                 "TRAINING 培训模式 - 非真实检验，未发送到售后系统"),
    "station": ("Station", "工作台"),
    "inspector": ("Inspector", "检验员"),
    "started": ("Started", "开始时间"),
    "completed": ("Completed", "完成时间"),
    "duration": ("Duration", "用时"),
    "inspection_id": ("Inspection", "检验编号"),
    "rma": ("RMA", "退货授权号"),
    "case_id": ("Case", "售后单号"),
    "order_id": ("Order", "订单号"),
    "case_details": ("Case details", "售后单信息"),
    "findings": ("Findings", "检验结论"),
    "item": ("Item", "商品"),
    "sku": ("SKU", "SKU"),
    "category": ("Category", "品类"),
    "serial_expected": ("Serial (case)", "序列号（售后单）"),
    "serial_scanned": ("Serial (scanned)", "序列号（扫描）"),
    "received": ("Received", "收货时间"),
    "inspect_by": ("Inspect by", "检验截止"),
    "customer_reason": ("Customer's reason", "客户退货原因"),
    "customer_comment": ("Customer's comment", "客户说明"),
    "tracking": ("Tracking", "运单号"),
    "expected_accessories": ("Expected accessories", "应有附件"),
    "classification": ("Classification", "判定"),
    "suggested": ("Suggested", "系统建议"),
    "override_reason": ("Override reason", "改判原因"),
    "disposition": ("Disposition", "处理方式"),
    "missing_accessories": ("Missing accessories", "缺失附件"),
    "none": ("none", "无"),
    "see_below": ("(long text: printed below)", "（内容较长，见下文）"),
    "long_texts": ("In full", "完整内容"),
    "checklist": ("Checklist answers", "检验项目"),
    "step": ("Step", "项目"),
    "result": ("Result", "结果"),
    "value": ("Value", "数值"),
    "note": ("Note", "备注"),
    "photos": ("Photos", "照片"),
    "no_photos": ("No photos were taken.", "未拍摄照片。"),
    "photo_missing": ("photo file missing", "照片文件缺失"),
    "photo_unreadable": ("photo file unreadable", "照片文件无法读取"),
    "photo_mismatch": ("photo file does not match its recorded SHA-256",
                       "照片文件与记录的SHA-256不符"),
    "sync": ("Sync status", "同步状态"),
    "attention_reason": ("Needs attention because", "需处理原因"),
    "payload_sha256": ("SHA-256 of the result as sent", "已发送结果的SHA-256"),
    "not_frozen": ("not yet frozen (case unverified)", "尚未生成（售后单未核实）"),
    "no_rma": ("no RMA (unverified)", "无退货授权号（未核实）"),
    "unverified_note": ("Case not yet verified: scanned code {code}",
                        "售后单尚未核实：扫描码 {code}"),
    "generated": ("Generated", "生成时间"),
    "page": ("Page {n}", "第 {n} 页"),
    # shift report
    "shift_title": ("Shift report", "班次报告"),
    "shift": ("Shift", "班次"),
    "period": ("Period", "时段"),
    "timezone": ("Time zone", "时区"),
    "empty_shift": ("No inspections were completed in this period.",
                    "该时段内没有完成的检验。"),
    "key_figures": ("Key figures", "关键指标"),
    "inspections": ("Inspections", "检验数"),
    "avg_duration": ("Average duration", "平均用时"),
    "p90_duration": ("90th percentile duration", "90分位用时"),
    "deadline_kept": ("Inspected by the deadline", "按时检验率"),
    "overdue": ("Overdue", "超时"),
    "overrides": ("Overrides", "改判"),
    "attention_items": ("Items needing attention", "需处理事项"),
    "nff_rate": ("No fault found (claimed defective)", "无故障率（客户称故障）"),
    "claim_mismatch_rate": ("Claim disagrees with finding", "客户原因与检验不符"),
    "totals": ("Totals", "汇总"),
    "by_classification": ("By classification", "按判定"),
    "by_disposition": ("By disposition", "按处理方式"),
    "by_category": ("By category", "按品类"),
    "by_inspector": ("By inspector", "按检验员"),
    "per_hour": ("Inspections per hour", "每小时检验数"),
    "hour": ("Hour", "小时"),
    "count": ("Count", "数量"),
    "share": ("Share", "占比"),
    "overdue_list": ("Overdue inspections", "超时检验"),
    "late_by": ("Late by", "超时"),
    "claim_vs_finding": ("Claim versus finding", "客户原因与检验结果对比"),
    "claims": ("Claims", "数量"),
    "disagree": ("Disagree", "不符"),
    "nff_per_sku": ("No fault found per SKU (claimed defective)", "按SKU无故障（客户称故障）"),
    "defective_claims": ("Claimed defective", "称故障"),
    "nff": ("No fault found", "无故障"),
    "overrides_list": ("Overrides and their reasons", "改判及原因"),
    "from_to": ("From → to", "原判 → 改判"),
    "reason": ("Reason", "原因"),
    "no_deadline": ("no deadline known", "无截止时间"),
    "sync_states": ("Sync states", "同步状态"),
    "none_listed": ("None.", "无。"),
    "unverified_attention": ("case not verified yet (scanned {code})",
                             "售后单尚未核实（扫描 {code}）"),
    "mismatch_no_fault_found": ("claimed defective, every function step passed",
                                "称故障，功能检验全部通过"),
    "mismatch_no_damage_found": ("claimed damaged in transit, found intact",
                                 "称运输损坏，检验完好"),
    "mismatch_undeclared_damage": ("found damaged, not claimed", "检验损坏，客户未声明"),
    "mismatch_undeclared_missing": ("found parts missing, not claimed",
                                    "检验缺附件，客户未声明"),
    # line matching for resolved offline inspections (14.2)
    "fit_category_same": ("category {line}: same", "品类 {line}：相同"),
    "fit_category_different": ("category {line}: different (inspected as {inspected})",
                               "品类 {line}：不同（按 {inspected} 检验）"),
    "fit_category_unknown": ("category: not known", "品类：未知"),
    "fit_sku_same": ("SKU {line}: same", "SKU {line}：相同"),
    "fit_sku_different": ("SKU {line}: different", "SKU {line}：不同"),
    "fit_sku_unknown": ("SKU {line}: not recorded at the bench", "SKU {line}：检验时未记录"),
    "fit_serial_same": ("serial {line}: same as scanned", "序列号 {line}：与扫描一致"),
    "fit_serial_different": ("serial {line}: different (scanned {scanned})",
                             "序列号 {line}：不同（扫描 {scanned}）"),
    "fit_serial_unknown": ("serial {line}: nothing to compare (scanned {scanned})",
                           "序列号 {line}：无法比较（扫描 {scanned}）"),
    "choose_line_reason": ("case {rma} has {count} item lines that could be this {category} "
                           "inspection; choose the line",
                           "售后单 {rma} 有 {count} 个商品行可能对应本次 {category} 检验；"
                           "请选择商品行"),
    "no_line_choice": ("this item has no resolved case with lines to choose from",
                       "该事项没有可供选择商品行的已核实售后单"),
    "unknown_line": ("case {rma} has no item line {line}", "售后单 {rma} 没有商品行 {line}"),
    "unverified_rma": ("unverified (scanned {code})", "未核实（扫描 {code}）"),
    # serial/IMEI mismatch escalation (14.3)
    "serial_mismatch": ("Serial/IMEI mismatch", "序列号/IMEI 不符"),
    "serial_mismatches": ("Serial/IMEI mismatches", "序列号/IMEI 不符数"),
    "mismatch_signed": ("yes: signed off by shift lead {lead} at {at}",
                        "是：班组长 {lead} 于 {at} 签核"),
    "mismatch_unsigned": ("yes: found when the case resolved, not signed off",
                          "是：售后单核实时发现，未签核"),
    "mismatch_needs_sign_off": ("The scanned serial/IMEI differs from the case: a shift lead "
                                "must sign off with badge or ID and PIN before you confirm.",
                                "扫描的序列号/IMEI 与售后单不符：确认前须由班组长用工牌或工号"
                                "及 PIN 签核。"),
    "sign_off_stale": ("The serial/IMEI changed after the sign-off: the shift lead must sign "
                       "off again.", "签核后序列号/IMEI 已更改：须由班组长重新签核。"),
    "sign_off_not_lead": ("Only a shift lead can sign off a serial/IMEI mismatch.",
                          "只有班组长可以签核序列号/IMEI 不符。"),
    "sign_off_refused": ("Badge/ID or PIN not recognised.", "工牌/工号或 PIN 无法识别。"),
    "signed_off": ("Signed off by", "签核人"),
    "sign_off_no_mismatch": ("There is no serial/IMEI mismatch to sign off.",
                             "没有需要签核的序列号/IMEI 不符。"),
    # operators (14.1)
    "op_not_found": ("No operator {operator_id} on this station.",
                     "本工作台没有操作员 {operator_id}。"),
    "op_badge_taken": ("That badge belongs to another operator.", "该工牌已属于其他操作员。"),
    "op_self_demote": ("You cannot take the shift-lead role from yourself: another shift "
                       "lead must do it.", "不能取消自己的班组长角色：请由另一位班组长操作。"),
    "op_self_deactivate": ("You cannot deactivate yourself: another shift lead must do it.",
                           "不能停用自己：请由另一位班组长操作。"),
    "op_last_lead": ("{operator_id} is the last active shift lead: add or reactivate another "
                     "shift lead first.",
                     "{operator_id} 是最后一位在岗班组长：请先添加或重新启用另一位班组长。"),
    "op_promote_needs_pin": ("A new shift lead needs a new PIN of {shortest} to 12 digits.",
                             "升为班组长需要设置新的 {shortest} 至 12 位数字PIN。"),
    # audit (14.4)
    "audit_chain_ok": ("Audit chain verified: {entries} entries intact.",
                       "审计链校验通过：{entries} 条记录完好。"),
    "audit_chain_broken": ("Audit chain BROKEN at entry {seq} (of {entries}): the audit log "
                           "was changed outside the station.",
                           "审计链在第 {seq} 条记录处断裂（共 {entries} 条）："
                           "审计日志在工作台之外被修改。"),
    "audit_chain_empty": ("The audit log is empty.", "审计日志为空。"),
}

_VALUES: dict[str, tuple[str, str]] = {
    # classification
    "intact": ("intact", "完好"),
    "damaged": ("damaged", "损坏"),
    "missing_parts": ("missing accessories", "缺失附件"),
    # disposition
    "restock": ("back to stock", "返回库存"),
    "refurbish": ("refurbish / re-kit", "翻新/补配"),
    "return_to_vendor": ("return to vendor", "退回供应商"),
    "scrap": ("scrap", "报废"),
    # customer reasons
    "defective": ("defective", "质量问题"),
    "not_as_described": ("not as described", "与描述不符"),
    "damaged_in_transit": ("damaged in transit", "运输损坏"),
    "wrong_item": ("wrong item", "发错货"),
    "no_longer_needed": ("no longer needed", "不想要了"),
    "other": ("other", "其他"),
    # answer results
    "pass": ("pass", "通过"),
    "fail": ("fail", "不通过"),
    "na": ("n/a", "不适用"),
    "value": ("recorded", "已记录"),
    # sync states
    "pending": ("waiting to send", "待发送"),
    "sent": ("sent and confirmed", "已发送并确认"),
    "attention": ("needs attention", "需处理"),
    "handled": ("handled outside the station", "已在站外处理"),
}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}; use one of {LANGUAGES}")
    return language


def t(language: str, key: str, **fields: object) -> str:
    """A label in the given language; unknown keys show the key (never crash a report)."""
    pair = _LABELS.get(key)
    text = key if pair is None else pair[1 if language == "zh_CN" else 0]
    return text.format(**fields) if fields else text


def value_label(language: str, value: str | None) -> str:
    """An enum value (classification, disposition, reason, result, sync state) for people."""
    if value is None:
        return t(language, "none")
    pair = _VALUES.get(value)
    if pair is None:
        return value
    return pair[1 if language == "zh_CN" else 0]
