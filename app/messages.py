"""Every text the core shows a person, in English and Simplified Chinese, from one table.

The GUI, the reports and the command line all read these tables: a core message is a key
(`t`), an enum value shown to a person goes through `value_label`, and a `DomainError`
raised with `key=` renders itself in either language (`DomainError.message`). ui/ widget
texts stay in Qt Linguist (resources/translations); everything from app/ is here.
"""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("en", "zh_CN")


class Both(NamedTuple):
    """A text in both languages: a template's prompt or title, or a field of a message.

    Templates write it as a map, ``{"en": "...", "zh_CN": "..."}`` (app/checklists.py).
    """

    en: str
    zh: str

    def text(self, language: str) -> str:
        """The text in `language` (en or zh_CN)."""
        return self.zh if language == "zh_CN" else self.en

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
    # bench board (14.5)
    "board_lead_only": ("Only a shift lead can open the bench board.",
                        "只有班组长可以打开工作台看板。"),
    "sync_ok": ("up to date", "同步正常"),
    "sync_behind": ("behind: results are waiting", "同步滞后：有结果等待发送"),
    "sync_offline": ("offline: results wait on this station", "离线：结果暂存在本工作台"),
    "sync_paused": ("paused: the server refused the token", "已暂停：服务器拒绝了令牌"),
    "open_overdue": ("not inspected, {time} past the deadline", "未检验，已超过截止时间{time}"),
    "late": ("inspected {time} after the deadline", "检验晚于截止时间{time}"),
    "due_soon": ("due in {time}", "{time}内到期"),
    "hours_minutes": ("{h} h {m} min", "{h}小时{m}分钟"),
    "minutes": ("{m} min", "{m}分钟"),
    # checklist wizard (14.6)
    "wizard_no_step": ("No step is open: this is the summary page",
                       "当前没有打开的步骤：这是汇总页"),
    "wizard_enter_number": ("Enter a number", "请输入数字"),
    "wizard_not_a_number": ("'{value}' is not a number", "“{value}”不是数字"),
    "wizard_finite_number": ("Enter a finite number", "请输入有效的数字"),
    "wizard_choose_one": ("Choose one of: {options}", "请从以下选项中选择：{options}"),
    "wizard_enter_text": ("Enter the text, or mark the step N/A",
                          "请输入文字，或将此步骤标为不适用"),
    "wizard_text_long": ("The text is longer than {n} characters", "文字超过 {n} 个字符"),
    "wizard_imei_digits": ("Not a valid IMEI: 15 digits expected", "IMEI 无效：应为15位数字"),
    "wizard_imei_check": ("Not a valid IMEI: the check digit is wrong", "IMEI 无效：校验位错误"),
    "wizard_note_long": ("The note is longer than {n} characters", "备注超过 {n} 个字符"),
    "wizard_photo_needed": ("Take at least one photo, or mark the step N/A",
                            "请至少拍摄一张照片，或将此步骤标为不适用"),
    "wizard_result_first": ("Choose a result for this step before adding a photo",
                            "添加照片前请先选择此步骤的结果"),
    "wizard_photo_not_attached": ("That photo is not attached to this step",
                                  "该照片不属于此步骤"),
    "wizard_photo_keep_one": (
        "A photo step needs at least one photo: take another first, or mark it N/A",
        "拍照步骤至少需要一张照片：请先再拍一张，或将其标为不适用"),
    "wizard_failed_photo": ("This step failed: take at least one photo before moving on",
                            "此步骤不通过：请至少拍摄一张照片后再继续"),
    "wizard_last_page": ("This is the last page", "这是最后一页"),
    "wizard_answer_first": ("Answer this step before moving on", "请先回答此步骤再继续"),
    "wizard_step_incomplete": ("Step '{step}' still needs an answer or a photo",
                               "步骤“{step}”仍需回答或拍照"),
    "wizard_first_step": ("This is the first step", "这是第一个步骤"),
    "wizard_step_first": ("Step '{step}' comes first", "请先完成步骤“{step}”"),
    # inspection session (14.6)
    "flow_photo_on_summary": ("Photos belong to a checklist step, not the summary.",
                              "照片属于检验步骤，不属于汇总页。"),
    "flow_choose_line": ("Choose the item line to inspect.", "请选择要检验的商品行。"),
    "flow_choose_category": ("Offline: choose the item's category to start the checklist.",
                             "离线：请选择商品品类以开始检验。"),
    "flow_log_in": ("Log in before inspecting.", "请先登录再检验。"),
    # rules in the core (15.4)
    "flow_value_on_summary": ("The summary has no value to enter.", "汇总页没有需要输入的值。"),
    # what a failed step found, for "Because:" (14.6)
    "failed_step": ("NOT OK: {step}", "不合格：{step}"),
    "failed_number": ("{step}: {value}, outside the accepted range",
                      "{step}：{value}，超出合格范围"),
    "failed_choice": ("{step}: {value} chosen", "{step}：选择了 {value}"),
    "failed_accessory": ("{accessory} missing", "缺少{accessory}"),
    # case gate (moved from app/case_gate.py, 14.6)
    "gate_closed": (
        "This return case is closed: it cannot be inspected. Put the parcel aside for the"
        " shift lead.",
        "该售后单已关闭，不能检验。请把包裹交给班组长处理。"),
    "gate_cancelled": (
        "This return case was cancelled: it cannot be inspected. Put the parcel aside for"
        " the shift lead.",
        "该售后单已取消，不能检验。请把包裹交给班组长处理。"),
    "gate_inspected_on_server": (
        "The case server says this return is already inspected. It cannot be inspected "
        "again here.",
        "售后系统显示该退货已检验，不能在此再次检验。"),
    "gate_inspected_here": (
        "This item line was already inspected on this station. Enter prints its report "
        "again.",
        "该商品行已在本工作台检验过。按回车键重新打印其检验报告。"),
    # scan refusals (moved from app/input_router.py, 14.6)
    "refusal_scan_in_checklist": (
        "A scan is not an answer: nothing was recorded. Answer this step with the keys or"
        " buttons.",
        "扫码不是检验结果：未记录任何内容。请用按键或按钮回答此步骤。"),
    "refusal_case_code_as_serial": (
        "That is the return label (RMA, order or tracking number), not the item's "
        "serial/IMEI. Scan the label on the item.",
        "这是退货面单（退货授权号、订单号或运单号），不是商品的序列号/IMEI。"
        "请扫描商品上的标签。"),
    "refusal_badge_as_serial": (
        "That is an employee badge, not the item's serial/IMEI.",
        "这是员工工牌，不是商品的序列号/IMEI。"),
    "refusal_not_a_serial": (
        "That code does not look like a serial number. Scan the serial label on the item.",
        "该条码不像序列号。请扫描商品上的序列号标签。"),
    "refusal_not_an_imei": (
        "That code is not an IMEI (15 digits). Scan the IMEI label on the item.",
        "该条码不是IMEI（15位数字）。请扫描商品上的IMEI标签。"),
    "refusal_not_a_product_code": (  # identity gate (16.1)
        "That code is not a product barcode (EAN/UPC/GTIN). Scan the barcode on the product.",
        "该条码不是商品条码（EAN/UPC/GTIN）。请扫描商品上的条码。"),
    "refusal_needs_value": ("This step needs a value or a choice.",
                            "此步骤需要填写数值或选择选项。"),
    "refusal_unclear_input": (
        "Too many keys at once to be a person's, too slow to be a scan: nothing was recorded. "
        "Scan the label again.",
        "按键太多不像人工输入，又太慢不像扫码：未记录任何内容。请重新扫描标签。"),
    # connection test (moved from app/connection.py, 14.6)
    "connection_ok": (
        "Connected: the case API answers /health and lookups.",
        "连接成功：售后系统接口响应健康检查和查询。"),
    "connection_bad_input": ("Check the entries: {detail}", "请检查填写内容：{detail}"),
    "connection_dns": (
        "The server name {detail} is not known (DNS). Check the URL or the network.",
        "无法解析服务器名称 {detail}（DNS）。请检查网址或网络。"),
    "connection_refused": (
        "Nothing answers at {detail} (connection refused). Check the port, or whether the"
        " case API is running.",
        "{detail} 没有响应（连接被拒绝）。请检查端口，或售后系统接口是否在运行。"),
    "connection_timeout": (
        "No answer from {detail} in time. A firewall or proxy may block it.",
        "{detail} 未在规定时间内响应。可能被防火墙或代理拦截。"),
    "connection_tls": (
        "The server's certificate is not trusted ({detail}). Set the site's CA bundle "
        "(ca_bundle) or check the URL.",
        "服务器证书不受信任（{detail}）。请设置本站点的 CA 证书（ca_bundle）或检查网址。"),
    "connection_unauthorized": (
        "The server refused the token (401). Paste the station's token again.",
        "服务器拒绝了令牌（401）。请重新粘贴本工作台的令牌。"),
    "connection_forbidden": (
        "The server knows the token but refuses this station (403{detail}). Ask the case "
        "system's administrators.",
        "服务器识别令牌但拒绝本工作台（403{detail}）。请联系售后系统管理员。"),
    "connection_wrong_path": (
        "{detail} is not the case API (wrong path?). The URL usually ends in /api/v1.",
        "{detail} 不是售后系统接口（路径错误？）。网址通常以 /api/v1 结尾。"),
    "connection_server_error": (
        "The case API has a problem (HTTP {detail}). Try again later.",
        "售后系统接口出现问题（HTTP {detail}）。请稍后再试。"),
    "connection_network": ("The network failed: {detail}", "网络错误：{detail}"),
    # first-run setup (moved from app/firstrun.py, 14.6)
    "setup_pin_short": ("A shift lead's PIN has at least {n} digits.",
                        "班组长的 PIN 至少 {n} 位数字。"),
    "setup_pin_digits": ("A PIN is digits only.", "PIN 只能是数字。"),
    "setup_pin_differs": ("The two PINs differ.", "两次输入的 PIN 不一致。"),
    "setup_need_fields": ("Badge / ID and name are needed.", "需要填写工牌 / 工号和姓名。"),
    # photos and overrides (14.6)
    "photo_empty": ("The file is empty, not a photo.", "文件为空，不是照片。"),
    "photo_file_large": ("The file is larger than {mb} MB; choose a photo.",
                         "文件大于 {mb} MB，请选择一张照片。"),
    "photo_refused": ("This file cannot be used as a photo: {detail}.",
                      "此文件不能用作照片：{detail}。"),
    "photo_unreadable_file": (
        "This file is not a picture that can be read (JPEG or PNG), or it is damaged.",
        "此文件不是可读取的图片（JPEG 或 PNG），或已损坏。"),
    "photo_not_a_picture": ("Not a picture.", "不是图片。"),
    "photo_no_pixels": ("The picture has no usable pixels.", "图片没有可用的像素。"),
    "photo_not_8bit": ("The picture is not an 8-bit colour image.", "图片不是8位彩色图像。"),
    "photo_no_jpeg": ("The picture could not be converted to JPEG.", "图片无法转换为 JPEG。"),
    "override_needs_reason": ("Changing the classification from {old} to {new} needs a reason",
                              "将判定从“{old}”改为“{new}”需要填写原因"),
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
    "mismatch_signed": ("yes: on hold, signed off by shift lead {lead} at {at}; reason: {reason}",
                        "是：暂扣待审，班组长 {lead} 于 {at} 签核；原因：{reason}"),
    "mismatch_unsigned": ("yes: found when the case resolved, on hold, not signed off",
                          "是：售后单核实时发现，暂扣待审，未签核"),
    "mismatch_needs_sign_off": ("The scanned serial/IMEI differs from the case: the item is held "
                                "for review. A shift lead must sign off with badge or ID, PIN "
                                "and a reason before you confirm.",
                                "扫描的序列号/IMEI 与售后单不符：商品暂扣待审。确认前须由班组长"
                                "用工牌或工号、PIN 并填写原因签核。"),
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
    # operators and shift-lead rights (14.6: the core's remaining English-only refusals)
    "lead_only": ("Only a shift lead can {action}.", "只有班组长可以{action}。"),
    "op_id_rule": ("An operator ID is 1-32 letters, digits, '.', '_' or '-'.",
                   "工号为 1-32 位字母、数字、“.”、“_”或“-”。"),
    "op_pin_rule": ("A PIN for a {role} is {shortest} to 12 digits.",
                    "{role}的 PIN 为 {shortest} 到 12 位数字。"),
    "op_name_needed": ("The operator needs a name.", "请填写操作员姓名。"),
    "op_name_rule": ("A name is one line of at most {limit} characters.",
                     "姓名为一行，最多 {limit} 个字符。"),
    "op_badge_rule": ("A badge code is 1-64 printable ASCII characters without spaces.",
                      "工牌码为 1-64 个可打印 ASCII 字符，不含空格。"),
    "op_badge_like_code": ("A badge code must not look like an RMA, order or tracking number.",
                           "工牌码不能像退货授权号、订单号或运单号。"),
    "op_no_lead_but_records": (
        "This station holds inspections but no shift lead: restore the database from a "
        "backup instead of starting afresh.",
        "本工作台已有检验记录但没有班组长：请从备份恢复数据库，不要重新开始。"),
    "op_exists": ("Operator {operator_id} or that badge already exists.",
                  "工号 {operator_id} 或该工牌已存在。"),
    "roster_columns": ("The roster needs the columns operator_id, name, role, pin "
                       "(and optionally badge_code).",
                       "名册需要 operator_id、name、role、pin 列（badge_code 可选）。"),
    "roster_role": ("Roster line {line}: role must be inspector or shift_lead.",
                    "名册第 {line} 行：role 必须是 inspector 或 shift_lead。"),
    "roster_id_pin": ("Roster line {line}: bad operator_id or PIN.",
                      "名册第 {line} 行：operator_id 或 PIN 无效。"),
    "roster_line": ("Roster line {line}: {problem}", "名册第 {line} 行：{problem}"),
    "roster_exists": ("Roster line {line}: operator {operator_id} or that badge already exists.",
                      "名册第 {line} 行：工号 {operator_id} 或该工牌已存在。"),
    # next-location label (16.5)
    "label_reprint": ("REPRINT", "补打"),
    "label_training": ("TRAINING - not a real inspection", "TRAINING 培训 - 非真实检验"),
    "label_login": ("Log in to reprint a label.", "请先登录再补打标签。"),
    "label_no_printer": ("No label printer is set up at this station (setting label_printer).",
                         "本工作台未设置标签打印机（设置项 label_printer）。"),
    "label_refused": ("The label printer at {where} refused the connection: is it on and "
                      "online?",
                      "标签打印机 {where} 拒绝连接：请检查打印机是否开机并联网。"),
    "label_timeout": ("The label printer at {where} did not answer within {seconds} s.",
                      "标签打印机 {where} 在 {seconds} 秒内没有响应。"),
    "label_unreachable": ("The label printer at {where} cannot be reached ({reason}).",
                          "无法连接标签打印机 {where}（{reason}）。"),
    # identity gate and honest grades (16.1, 16.4)
    "gtin_unreadable": ("Not a product code (EAN/UPC/GTIN, or GS1 with AI 01): {code}",
                        "不是商品条码（EAN/UPC/GTIN，或含 AI 01 的 GS1）：{code}"),
    "gtin_check_digit": ("The product code {code} has a wrong check digit: scan it again.",
                         "商品条码 {code} 校验位错误：请重新扫描。"),
    "gtin_needs_sign_off": ("The product's barcode differs from the case: the item is held for "
                            "review. "
                            "A shift lead must sign off with badge or ID, PIN and a reason "
                            "before you confirm.",
                            "商品条码与售后单不符：商品暂扣待审。确认前须由班组长用工牌或工号、"
                            "PIN 并填写原因签核。"),
    "gtin_sign_off_stale": ("The product code changed after the sign-off: the shift lead must "
                            "sign off again.", "签核后商品条码已更改：须由班组长重新签核。"),
    "gtin_sign_off_needs_reason": ("A product code mismatch needs the shift lead's reason.",
                                   "商品条码不符须由班组长填写原因。"),
    "gtin_expected": ("Product code (case)", "商品条码（售后单）"),
    "gtin_scanned": ("Product code (scanned)", "商品条码（扫描）"),
    "gtin_mismatch": ("Product code mismatch", "商品条码不符"),
    "gtin_mismatches": ("Product code mismatches", "商品条码不符数"),
    "gtin_signed": ("yes: on hold, signed off by shift lead {lead} at {at}; reason: {reason}",
                    "是：暂扣待审，班组长 {lead} 于 {at} 签核；原因：{reason}"),
    "gtin_unsigned": ("yes: found when the case resolved, on hold, not signed off",
                      "是：售后单核实时发现，暂扣待审，未签核"),
    "gtin_not_scanned": ("not scanned (N/A)", "未扫描（不适用）"),
    "gtin_not_known": ("not known (the case gives no product code)",
                       "未知（售后单未提供商品条码）"),
    # serial/IMEI mismatch holds like a product code mismatch; GTIN line matching (16.1, H)
    "serial_sign_off_needs_reason": ("A serial/IMEI mismatch needs the shift lead's reason.",
                                     "序列号/IMEI 不符须由班组长填写原因。"),
    "mismatch_found_at_resolve": ("case {rma}: the {what} differs from the case line (found when "
                                  "the case resolved): held for review; a shift lead checks the "
                                  "item, then retries (sent as hold for review) or marks it "
                                  "handled",
                                  "售后单 {rma}：{what}与商品行不符（售后单核实时发现）：暂扣待审；"
                                  "须由班组长核查商品后重试（按暂扣待审发送）或标记为已处理"),
    "mismatch_what_serial": ("serial/IMEI", "序列号/IMEI"),
    "mismatch_what_gtin": ("product code", "商品条码"),
    "mismatch_what_both": ("serial/IMEI and product code", "序列号/IMEI 和商品条码"),
    "fit_gtin_same": ("product code {line}: same as scanned", "商品条码 {line}：与扫描一致"),
    "fit_gtin_different": ("product code {line}: different (scanned {scanned})",
                           "商品条码 {line}：不同（扫描 {scanned}）"),
    "fit_gtin_unknown": ("product code {line}: nothing to compare (scanned {scanned})",
                         "商品条码 {line}：无法比较（扫描 {scanned}）"),
    "tests_not_done": ("Tests not done", "未做的测试"),
    "intact_untested": ("intact, untested", "完好（未测试）"),
    "intact_untested_count": ("Intact, untested", "完好（未测试）数"),
    # bench scale and weight check (16.2)
    "scale_garbage": ("The scale sent something that is not a weight ({frame}); check its "
                      "output format and speed (settings scale_protocol, scale_baud).",
                      "电子秤发送的不是重量（{frame}）；请检查其输出格式和波特率"
                      "（设置 scale_protocol、scale_baud）。"),
    "scale_overload": ("The scale shows an overload: take the item off and put it on again.",
                       "电子秤显示超载：请取下商品后重新放上。"),
    "scale_unstable": ("The weight did not settle: keep the item still on the scale and "
                       "read again.", "重量不稳定：请让商品在秤上保持静止后重新读取。"),
    "scale_no_data": ("No weight from the scale in {seconds} s: is it on and connected? "
                      "Read again or type the weight.",
                      "{seconds} 秒内未收到电子秤的重量：秤是否已开机并连接？"
                      "请重新读取或手动输入重量。"),
    "scale_disconnected": ("The scale was disconnected ({detail}): plug it in and read again, "
                           "or type the weight.",
                           "电子秤已断开（{detail}）：请重新连接后再读取，或手动输入重量。"),
    "scale_open": ("The scale on {port} cannot be opened ({detail}): check the cable and the "
                   "setting scale_port, or type the weight.",
                   "无法打开 {port} 上的电子秤（{detail}）：请检查连接线和设置 scale_port，"
                   "或手动输入重量。"),
    "scale_empty": ("The scale reads nothing: put the item on it.",
                    "电子秤读数为零：请把商品放上去。"),
    "scale_reading": ("Reading the scale…", "正在读取电子秤…"),
    "weight_prompt": ("Weigh the item", "称重商品"),
    "weight_failed": ("Weight {reading} g, expected {expected} g ± {allowed} g",
                      "重量 {reading} 克，应为 {expected} 克 ± {allowed} 克"),
    "weight_na_refused": ("The weight must be checked: this item has an expected weight. Read "
                          "the scale or type the weight.",
                          "必须称重：此商品有预期重量。请读取电子秤或手动输入重量。"),
    "weight_negative": ("A weight cannot be negative: tare the scale and weigh again.",
                        "重量不能为负数：请将电子秤归零后重新称重。"),
    "weight_report": ("{reading} g ({source}); expected {expected}; tolerance {tolerance}: "
                      "{verdict}",
                      "{reading} 克（{source}）；预期 {expected}；允差 {tolerance}：{verdict}"),
    "weight_tolerance": ("± {allowed} g (larger of {grams} g and {pct} %)",
                         "± {allowed} 克（{grams} 克与 {pct}% 中较大者）"),
    "weight_source_scale": ("scale", "电子秤"),
    "weight_source_typed": ("typed", "手动输入"),
    "weight_pass": ("within tolerance", "在允差内"),
    "weight_fail": ("OUT OF TOLERANCE", "超出允差"),
    "weight_not_compared": ("not compared (no expected weight)", "未比较（无预期重量）"),
    "weight_unknown": ("not known", "未知"),
    # weight typed only when the scale does not answer (16.2, no-scale follow-up)
    "weight_scale_first": ("Put the item on the scale: it is read by itself. A weight is "
                           "typed only when the scale does not answer.",
                           "请把商品放到电子秤上，重量会自动读取。只有电子秤无应答时才能手动输入重量。"),
    # photo guardrails (16.3)
    "photo_q_too_dark": ("too dark (brightness {mean}, at least {limit} needed): more light "
                         "on the bench", "太暗（亮度 {mean}，至少需要 {limit}）：请增加工作台照明"),
    "photo_q_burnt_out": ("burnt out (brightness {mean}, {clipped} % pure white): less light "
                          "or no glare",
                          "过曝（亮度 {mean}，{clipped}% 纯白）：请减少光线或避免反光"),
    "photo_q_blurred": ("blurred (sharpness {sharpness}, at least {limit} needed): hold still "
                        "and let the camera focus", "模糊（清晰度 {sharpness}，至少需要 {limit}）："
                        "请保持静止并等待相机对焦"),
    "photo_q_ok": ("ok", "合格"),
    "photo_q_refused": ("REFUSED", "不合格"),
    "photo_q_unreadable": ("cannot be read ({detail})", "无法读取（{detail}）"),
    "photo_q_limits": ("Limits: sharpness >= {blur}, brightness {dark}-{bright}, "
                       "pure white <= {clipped} %", "阈值：清晰度 >= {blur}，亮度 {dark}-{bright}，"
                       "纯白 <= {clipped}%"),
    "photo_q_retake": ("This photo is {reasons}. Take it again, or keep it with a note saying "
                       "why.", "此照片{reasons}。请重拍，或填写原因后保留。"),
    "photo_q_note_needed": ("Keeping a refused photo needs a note saying why.",
                            "保留不合格照片需要填写原因。"),
    "photo_q_kept": ("Photo kept although {reasons}: {note}", "照片虽{reasons}仍保留：{note}"),
    "photo_problem_too_dark": ("too dark", "太暗"),
    "photo_problem_burnt_out": ("burnt out", "过曝"),
    "photo_problem_blurred": ("blurred", "模糊"),
    "weight": ("Weight", "重量"),
    "photo_checks_title": ("Photo checks", "照片检查"),
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
    # the default shift names (14.6); a site's own names are shown as written
    "early": ("early", "早班"),
    "late": ("late", "中班"),
    "night": ("night", "夜班"),
    # identity gate (16.1): the null disposition of an item on hold
    "hold": ("hold for review", "暂扣待审"),
}


# What "Only a shift lead can {action}." names, in both languages (require_shift_lead).
_LEAD_ACTIONS: dict[str, str] = {
    "retry an item that needs attention": "重试需处理的项目",
    "choose the item line": "选择商品行",
    "mark an item as handled": "将项目标记为已处理",
    "change the station settings": "修改工作台设置",
    "store the station token": "保存工作台令牌",
    "add operators": "添加操作员",
    "import the roster": "导入名册",
    "unlock operators": "解锁操作员",
    "manage operators": "管理操作员",
    "read the audit log": "查看审计日志",
}
_ROLES = {"inspector": ("inspector", "检验员"), "shift_lead": ("shift lead", "班组长")}


def lead_action(action: str) -> Both:
    """A shift-lead action's words in both languages (the English phrase when unlisted)."""
    return Both(action, _LEAD_ACTIONS.get(action, action))


def role_words(role: str) -> Both:
    en, zh = _ROLES.get(role, (role, role))
    return Both(en, zh)


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}; use one of {LANGUAGES}")
    return language


def t(language: str, key: str, **fields: object) -> str:
    """A label in the given language; unknown keys show the key (never crash a report)."""
    pair = _LABELS.get(key)
    zh = language == "zh_CN"
    text = key if pair is None else pair[1 if zh else 0]
    if not fields:
        return text
    return text.format(**{k: v.text(language) if isinstance(v, Both) else v
                          for k, v in fields.items()})


def value_label(language: str, value: str | None) -> str:
    """An enum value (classification, disposition, reason, result, sync state) for people."""
    if value is None:
        return t(language, "none")
    pair = _VALUES.get(value)
    if pair is None:
        return value
    return pair[1 if language == "zh_CN" else 0]


def value_title(language: str, value: str | None) -> str:
    """`value_label` starting with a capital, for a heading, a button or a list."""
    text = value_label(language, value)
    return text[:1].upper() + text[1:]
