<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BenchBoardScreen</name>
    <message>
        <location filename="../../ui/bench_board.py" line="139"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="149"/>
        <source>oldest %1 min</source>
        <translation>最早的已等待 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="176"/>
        <source>Bench board</source>
        <translation>工作台看板</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="177"/>
        <source>Back to scanning (Esc)</source>
        <translation>返回扫描（Esc）</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="179"/>
        <source>Inspected today</source>
        <translation>今日已检验</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="180"/>
        <source>Past the 24 h deadline</source>
        <translation>超过24小时检验时限</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="181"/>
        <source>Due within 2 hours</source>
        <translation>2小时内到期</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="182"/>
        <source>Needs attention</source>
        <translation>需处理</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="183"/>
        <source>Not yet sent</source>
        <translation>尚未发送</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="184"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="188"/>
        <source>Deadlines</source>
        <translation>检验时限</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="189"/>
        <source>Inspectors today</source>
        <translation>今日检验员</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="190"/>
        <source>RMA</source>
        <translation>RMA</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="190"/>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="191"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="192"/>
        <source>Inspector</source>
        <translation>检验员</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="192"/>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <location filename="../../ui/bench_board.py" line="193"/>
        <source>Median minutes per item</source>
        <translation>每件用时中位数（分钟）</translation>
    </message>
</context>
<context>
    <name>CameraWorker</name>
    <message>
        <location filename="../../ui/camera_worker.py" line="162"/>
        <source>The camera was stopped.</source>
        <translation>摄像头已停止。</translation>
    </message>
    <message>
        <location filename="../../ui/camera_worker.py" line="191"/>
        <source>No camera is running: check the camera, or import a photo from a file.</source>
        <translation>摄像头未运行：请检查摄像头，或从文件导入照片。</translation>
    </message>
</context>
<context>
    <name>CaseScreen</name>
    <message>
        <location filename="../../ui/case_screen.py" line="182"/>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="182"/>
        <source>Customer reason</source>
        <translation>客户原因</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="182"/>
        <source>Customer comment</source>
        <translation>客户留言</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="183"/>
        <source>Received</source>
        <translation>收货时间</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="183"/>
        <source>Inspect by</source>
        <translation>检验截止</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="185"/>
        <source>Item lines (choose with ↑ ↓ or 1-9)</source>
        <translation>商品行（用 ↑ ↓ 或 1-9 选择）</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="186"/>
        <source>Selected item</source>
        <translation>所选商品</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="188"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="188"/>
        <source>Expected serial</source>
        <translation>应有序列号</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="188"/>
        <source>Expected accessories</source>
        <translation>应有配件</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="191"/>
        <source>Back (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="195"/>
        <location filename="../../ui/case_screen.py" line="303"/>
        <source>Start inspection (Enter)</source>
        <translation>开始检验 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="235"/>
        <source>Offline: this case comes from the station&apos;s recent lookups.</source>
        <translation>离线：此退货单来自本工位最近的查询记录。</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="242"/>
        <source>{0}. {1}  ·  SKU {2}  ·  {3}  ·  qty {4}</source>
        <translation>{0}. {1}  ·  SKU {2}  ·  {3}  ·  数量 {4}</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="245"/>
        <source>inspection in progress</source>
        <translation>检验进行中</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="284"/>
        <source>none recorded</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="286"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="298"/>
        <source>Resume inspection (Enter)</source>
        <translation>继续检验 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="300"/>
        <source>This item has an unfinished inspection (started {0}); Enter continues it.</source>
        <translation>此商品有未完成的检验（开始于 {0}）；按 Enter 继续。</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="314"/>
        <source>{0} d {1} h</source>
        <translation>{0} 天 {1} 小时</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="316"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="318"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="320"/>
        <source>overdue by {0}</source>
        <translation>已逾期 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="321"/>
        <source>due in {0}</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="293"/>
        <source>Print its report again (Enter)</source>
        <translation>重新打印检验报告（回车）</translation>
    </message>
    <message>
        <location filename="../../ui/case_screen.py" line="295"/>
        <source>Cannot be inspected</source>
        <translation>不能检验</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../ui/crash.py" line="52"/>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="60"/>
        <source>The station stopped unexpectedly last time. Your saved answers and photos are safe. Please send these details to IT.</source>
        <translation>本工位上次意外停止。已保存的答案和照片都安全。请将以下详细信息发送给 IT。</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="64"/>
        <source>An unexpected error happened. Everything saved so far is safe; you can usually carry on. Please send these details to IT.</source>
        <translation>发生了意外错误。已保存的内容都安全，通常可以继续工作。请将以下详细信息发送给 IT。</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="72"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="74"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <source>Mismatches only</source>
        <translation>仅显示不符（序列号或商品条码）</translation>
    </message>
    <message>
        <source>SERIAL/IMEI MISMATCH, held; signed off by: %1 (%2)</source>
        <translation>序列号/IMEI 不符，已暂扣；签核人：%1（%2）</translation>
    </message>
    <message>
        <source>The label did not print: %1</source>
        <translation>标签未打印：%1</translation>
    </message>
    <message>
        <source>Label printed on %1.</source>
        <translation>标签已打印到 %1。</translation>
    </message>
    <message>
        <source>Printing the label…</source>
        <translation>正在打印标签…</translation>
    </message>
    <message>
        <source>Reprint label</source>
        <translation>补打标签</translation>
    </message>
    <message>
        <source>Tests not done: %1</source>
        <translation>未做的测试：%1</translation>
    </message>
    <message>
        <source>PRODUCT CODE MISMATCH, held; signed off by: %1 (%2)</source>
        <translation>商品条码不符，已暂扣；签核人：%1（%2）</translation>
    </message>
    <message>
        <source>Product code expected / scanned: %1 / %2</source>
        <translation>商品条码 应为 / 扫描：%1 / %2</translation>
    </message>
    <message>
        <source>untested</source>
        <translation>未测试</translation>
    </message>
    <message>
        <source>on hold: product code</source>
        <translation>暂扣：商品条码</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV文件 (*.csv)</translation>
    </message>
    <message>
        <source>%1 inspection(s) exported to %2</source>
        <translation>已导出 %1 条检验到 %2</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Day CSV…</source>
        <translation>当日CSV…</translation>
    </message>
    <message>
        <source>Shift CSV…</source>
        <translation>班次CSV…</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>审计日志…</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="243"/>
        <source>unverified: %1</source>
        <translation>未核实：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="302"/>
        <source>Inspection %1</source>
        <translation>检验 %1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="303"/>
        <source>RMA: %1   order: %2</source>
        <translation>RMA：%1   订单：%2</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="305"/>
        <source>Inspector: %1   completed: %2</source>
        <translation>检验员：%1   完成时间：%2</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="307"/>
        <source>Customer reason: %1</source>
        <translation>客户原因：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="308"/>
        <source>Classification: %1 (suggested %2)</source>
        <translation>判定：%1（建议 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="313"/>
        <source>Override reason: %1</source>
        <translation>更改原因：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="314"/>
        <source>Disposition: %1</source>
        <translation>处置：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="317"/>
        <source>Missing: %1</source>
        <translation>缺少：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="318"/>
        <source>Serial expected / scanned: %1 / %2</source>
        <translation>序列号 应有 / 扫描：%1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="320"/>
        <source>Sync: %1</source>
        <translation>同步：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="322"/>
        <source>Needs attention because: %1</source>
        <translation>需要处理，原因：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="325"/>
        <source>Unverified: scanned %1 while offline</source>
        <translation>未核实：离线时扫描了 %1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="331"/>
        <source>%1 photo(s)</source>
        <translation>%1 张照片</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="346"/>
        <source>Queued to be sent again.</source>
        <translation>已排队重新发送。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="355"/>
        <source>Write how the item was handled first.</source>
        <translation>请先填写此项的处理方式。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="361"/>
        <source>Marked as handled.</source>
        <translation>已标记为已处理。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="398"/>
        <location filename="../../ui/history_screen.py" line="421"/>
        <source>Preparing the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="414"/>
        <source>Shift %1, %2</source>
        <translation>班次 %1，%2</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="435"/>
        <source>Today&apos;s inspections</source>
        <translation>今日检验</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="436"/>
        <source>Back to scanning (Esc)</source>
        <translation>返回扫描 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="437"/>
        <source>Search by RMA or serial</source>
        <translation>按 RMA 或序列号搜索</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="438"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="439"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="441"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="441"/>
        <source>RMA</source>
        <translation>RMA</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="441"/>
        <source>Inspector</source>
        <translation>检验员</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="442"/>
        <source>Classification</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="442"/>
        <source>Disposition</source>
        <translation>处置</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="442"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="444"/>
        <source>Needs attention (shift lead)</source>
        <translation>需要处理（班组长）</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="445"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="446"/>
        <source>How was it handled?</source>
        <translation>是如何处理的？</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="447"/>
        <source>Mark handled</source>
        <translation>标记为已处理</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="448"/>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="449"/>
        <source>Inspection report…</source>
        <translation>检验报告…</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="450"/>
        <source>Shift report…</source>
        <translation>班次报告…</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="243"/>
        <source>Nothing found for “%1”.</source>
        <translation>未找到“%1”的检验记录。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="244"/>
        <source>No inspections completed today yet.</source>
        <translation>今天还没有完成的检验。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="253"/>
        <source>Inspections matching “%1”</source>
        <translation>与“%1”匹配的检验</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="252"/>
        <source>%1: choose the line</source>
        <translation>%1：请选择商品行</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="258"/>
        <source>serial mismatch</source>
        <translation>序列号不符</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="334"/>
        <source>Item: %1</source>
        <translation>商品：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="351"/>
        <source>SERIAL/IMEI MISMATCH, signed off by: %1</source>
        <translation>序列号/IMEI 不符，签核人：%1</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="352"/>
        <source>nobody (found when the case resolved)</source>
        <translation>无（售后单核实时发现）</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="394"/>
        <source>Case %1 resolved; choose the line (shift lead):</source>
        <translation>售后单 %1 已核实；请选择商品行（班组长）：</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="397"/>
        <source>fits</source>
        <translation>相符</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="397"/>
        <source>does not fit</source>
        <translation>不相符</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="416"/>
        <source>Line %1 chosen: queued to be sent.</source>
        <translation>已选择商品行 %1：已排队发送。</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="520"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="525"/>
        <source>Choose line…</source>
        <translation>选择商品行…</translation>
    </message>
    <message>
        <location filename="../../ui/history_screen.py" line="526"/>
        <source>Serial mismatches only</source>
        <translation>仅显示序列号不符</translation>
    </message>
</context>
<context>
    <name>InspectionFlow</name>
    <message>
        <source>Product code mismatch: the item is held for review. Check the item; press Enter again to continue.</source>
        <translation>商品条码不符：商品暂扣待审。请检查商品；再按 Enter 继续。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="362"/>
        <source>This inspection cannot be opened: %1</source>
        <translation>无法打开此检验：%1</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="379"/>
        <source>Not saved: %1. The screen now shows what is saved.</source>
        <translation>未保存：%1。屏幕现在显示已保存的内容。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="640"/>
        <location filename="../../ui/inspection_flow.py" line="982"/>
        <source>Confirm (Enter)</source>
        <translation>确认 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="720"/>
        <source>Type a value, or press N/A.</source>
        <translation>请输入数值，或按不适用。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="730"/>
        <source>Serial mismatch. Check the item; press Enter again to continue.</source>
        <translation>序列号不符。请检查商品；再按一次 Enter 继续。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="799"/>
        <source>Saving the result…</source>
        <translation>正在保存结果…</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="805"/>
        <source>Result saved.</source>
        <translation>结果已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="814"/>
        <source>The result was NOT saved: %1</source>
        <translation>结果未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="978"/>
        <source>Keep as draft and leave</source>
        <translation>保存草稿并离开</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="979"/>
        <source>Opening the inspection…</source>
        <translation>正在打开检验…</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="980"/>
        <source>Back (⌫)</source>
        <translation>上一步 (⌫)</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="981"/>
        <source>Next (Enter)</source>
        <translation>下一步 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="949"/>
        <source>Leave the inspection?</source>
        <translation>离开本次检验？</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="950"/>
        <source>Keep this inspection as a draft and go back to the scan screen? It continues from this step later (F6).</source>
        <translation>将本次检验保存为草稿并返回扫码界面？之后可从此步骤继续（F6）。</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="953"/>
        <source>Keep draft and leave</source>
        <translation>保存草稿并离开</translation>
    </message>
    <message>
        <location filename="../../ui/inspection_flow.py" line="954"/>
        <source>Stay</source>
        <translation>留在此处</translation>
    </message>
</context>
<context>
    <name>LineChoiceDialog</name>
    <message>
        <location filename="../../ui/line_choice.py" line="45"/>
        <source>Choose the item line</source>
        <translation>选择商品行</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="52"/>
        <source>Case %1 has several item lines. This inspection was done offline as %2, serial scanned: %3. Which line was inspected?</source>
        <translation>售后单 %1 有多个商品行。本次检验在离线时按 %2 进行，扫描的序列号：%3。检验的是哪一行？</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="59"/>
        <source>Line</source>
        <translation>商品行</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="59"/>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="59"/>
        <source>Fits</source>
        <translation>相符</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="59"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="72"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="72"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="85"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/line_choice.py" line="88"/>
        <source>Use this line</source>
        <translation>使用此商品行</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>The station is still opening: you are signed in as soon as it is ready.</source>
        <translation>工作台仍在启动：就绪后将立即为您登录。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="186"/>
        <source>Return inspection</source>
        <translation>退货检验</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="187"/>
        <location filename="../../ui/login_screen.py" line="219"/>
        <source>Station {0}</source>
        <translation>工位 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="189"/>
        <source>Scan your badge</source>
        <translation>扫描工牌</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="192"/>
        <source>Or sign in with your ID and PIN</source>
        <translation>或用工号和 PIN 登录</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="193"/>
        <location filename="../../ui/login_screen.py" line="200"/>
        <source>Operator ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="194"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="195"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="197"/>
        <source>This station has no shift lead yet. Create the first shift lead: they can then add inspectors and change the settings.</source>
        <translation>本工位还没有班组长。请创建第一位班组长：之后由其添加检验员并修改设置。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="200"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="190"/>
        <source>Hold your badge under the scanner or the camera. Shift leads then enter their PIN.</source>
        <translation>将工牌放在扫描器或摄像头下。班组长随后还需输入 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="201"/>
        <source>PIN ({0}-12 digits)</source>
        <translation>PIN（{0}-12 位数字）</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="203"/>
        <source>PIN again</source>
        <translation>再次输入 PIN</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="203"/>
        <source>Badge code (optional)</source>
        <translation>工牌号（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="205"/>
        <source>Create shift lead</source>
        <translation>创建班组长</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="278"/>
        <source>Badge read</source>
        <translation>已读取工牌</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="292"/>
        <source>Enter your operator ID and PIN.</source>
        <translation>请输入工号和 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="300"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="315"/>
        <source>Badge read. Enter your PIN to sign in.</source>
        <translation>已读取工牌。请输入 PIN 登录。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="324"/>
        <source>Locked after too many wrong attempts, until {0}. A shift lead can unlock it sooner.</source>
        <translation>错误次数过多，已锁定至 {0}。班组长可提前解锁。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="327"/>
        <source>Too many wrong attempts. Try again at {0}.</source>
        <translation>错误次数过多。请于 {0} 再试。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="329"/>
        <source>A badge must be scanned, not typed. To type, use your operator ID and PIN.</source>
        <translation>工牌必须扫描，不能手动输入。如需手动输入，请使用工号和 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="332"/>
        <source>Not recognised. Scan your badge again, or check your ID and PIN.</source>
        <translation>无法识别。请重新扫描工牌，或检查工号和 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="335"/>
        <source>Login is not possible right now: {0}</source>
        <translation>暂时无法登录：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="355"/>
        <source>The two PINs differ. Enter them again.</source>
        <translation>两次输入的 PIN 不一致，请重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/login_screen.py" line="377"/>
        <source>Could not save: {0}</source>
        <translation>无法保存：{0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="233"/>
        <source>Return inspection — {0}</source>
        <translation>退货检验 — {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235"/>
        <source>History (F5)</source>
        <translation>历史记录 (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="236"/>
        <source>Operators (F8)</source>
        <translation>操作员 (F8)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="237"/>
        <source>Settings (F9)</source>
        <translation>设置 (F9)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="238"/>
        <source>Log out (F12)</source>
        <translation>退出登录 (F12)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314"/>
        <source>Audit log changed</source>
        <translation>审计日志被改动</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="316"/>
        <source>The audit log of this station was changed outside the station: entry {0} of {1} does not verify. Records from that entry on cannot be trusted. Keep this station&apos;s data folder as it is and tell IT; run `doctor` for details.</source>
        <translation>本工位的审计日志在工位程序之外被改动：第 {0} 条（共 {1} 条）校验不通过。从该条起的记录不可信。请保持本工位数据文件夹原样并通知 IT；运行 `doctor` 查看详情。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="342"/>
        <source>Logged out after {0} minutes without activity.</source>
        <translation>{0} 分钟无操作，已自动退出登录。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="414"/>
        <source>The inspection could not start: {0}</source>
        <translation>无法开始检验：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="431"/>
        <source>Result saved. It is sent to the case server in the background. Scan the next label.</source>
        <translation>结果已保存，正在后台发送到退货服务器。请扫描下一个标签。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="437"/>
        <source>The inspection is kept as a draft: press F6 to continue it.</source>
        <translation>检验已保存为草稿：按 F6 继续。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="467"/>
        <source>Only a shift lead can change the settings.</source>
        <translation>只有班组长可以修改设置。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="481"/>
        <source>Only a shift lead can manage operators.</source>
        <translation>只有班组长可以管理操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="509"/>
        <source>shift lead</source>
        <translation>班组长</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="509"/>
        <source>inspector</source>
        <translation>检验员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="512"/>
        <source>Operator: {0}</source>
        <translation>操作员：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="517"/>
        <source>Nobody logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="542"/>
        <source>Sync paused: the server refused this station</source>
        <translation>同步已暂停：服务器拒绝了本工位</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="547"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="549"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="551"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="555"/>
        <source>Queue: {0}</source>
        <translation>队列：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="557"/>
        <source>, {0} need attention</source>
        <translation>，{0} 项需要处理</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="562"/>
        <source>Nothing waiting</source>
        <translation>没有待发送项</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="565"/>
        <source>Oldest waiting: {0} h {1} min</source>
        <translation>最早待发送：{0} 小时 {1} 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="566"/>
        <source>Oldest waiting: {0} min</source>
        <translation>最早待发送：{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="567"/>
        <source>Case server: {0} · {1}</source>
        <translation>退货服务器：{0} · {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="572"/>
        <source>Camera: on</source>
        <translation>摄像头：开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="573"/>
        <source>Camera: starting</source>
        <translation>摄像头：正在启动</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="574"/>
        <source>Camera: reconnecting…</source>
        <translation>摄像头：正在重新连接…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="575"/>
        <source>Camera: not available</source>
        <translation>摄像头：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="576"/>
        <source>Camera: video ended</source>
        <translation>摄像头：视频已结束</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="577"/>
        <source>Camera: off</source>
        <translation>摄像头：关</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="593"/>
        <source>A background task failed: {0}</source>
        <translation>后台任务失败：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="491"/>
        <source>Sync waiting: another program sends from this data folder</source>
        <translation>同步等待中：另一个程序正在从此数据文件夹发送</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="515"/>
        <source> · next try {0}</source>
        <translation> · 下次尝试 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226"/>
        <source> — TRAINING</source>
        <translation> — TRAINING 培训</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="544"/>
        <source>No answer from the case API for {0} s</source>
        <translation>售后系统接口已 {0} 秒无响应</translation>
    </message>
</context>
<context>
    <name>OperatorsDialog</name>
    <message>
        <source>active</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>Changes saved for %1.</source>
        <translation>已保存 %1 的更改。</translation>
    </message>
    <message>
        <source>%1 reactivated: they can log in again.</source>
        <translation>%1 已重新启用：可以再次登录。</translation>
    </message>
    <message>
        <source>%1 deactivated: they can no longer log in.</source>
        <translation>%1 已停用：不能再登录。</translation>
    </message>
    <message>
        <source>Type the new PIN first.</source>
        <translation>请先输入新的PIN。</translation>
    </message>
    <message>
        <source>New PIN set for %1.</source>
        <translation>已为 %1 设置新的PIN。</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Badge</source>
        <translation>工牌</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>上次登录</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>New operator</source>
        <translation>新操作员</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>保存更改</translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation>重置PIN</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="116"/>
        <source>Operator added.</source>
        <translation>已添加操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="124"/>
        <source>Enter the operator ID to unlock.</source>
        <translation>请输入要解锁的工号。</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="129"/>
        <source>%1 unlocked: they can sign in again.</source>
        <translation>%1 已解锁：可以重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="130"/>
        <source>%1 was not locked.</source>
        <translation>%1 未被锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="142"/>
        <source>Import roster</source>
        <translation>导入名单</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="142"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="151"/>
        <source>%1 operator(s) imported.</source>
        <translation>已导入 %1 名操作员。</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="159"/>
        <source>Operators</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="161"/>
        <source>PIN (%1-12 digits; shift lead %2-12)</source>
        <translation>PIN（%1-12 位数字；班组长 %2-12 位）</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="164"/>
        <source>Operator ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="164"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="165"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="166"/>
        <source>Badge code (optional)</source>
        <translation>工牌号（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="168"/>
        <source>Inspector</source>
        <translation>检验员</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="169"/>
        <source>Shift lead</source>
        <translation>班组长</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="170"/>
        <source>Import roster CSV…</source>
        <translation>导入名单 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="171"/>
        <source>Add operator</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="172"/>
        <source>Unlock login</source>
        <translation>解锁登录</translation>
    </message>
    <message>
        <location filename="../../ui/operators_dialog.py" line="173"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>PhotoPanel</name>
    <message>
        <source>Keep anyway</source>
        <translation>仍然保留</translation>
    </message>
    <message>
        <source>Why keep this photo anyway?</source>
        <translation>为什么仍要保留此照片？</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="203"/>
        <source>Still saving the last photo…</source>
        <translation>仍在保存上一张照片…</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="219"/>
        <source>No camera: import the photo from a file instead.</source>
        <translation>没有摄像头：请改为从文件导入照片。</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="222"/>
        <source>Taking photo…</source>
        <translation>正在拍照…</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="235"/>
        <source>Import a photo</source>
        <translation>导入照片</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="236"/>
        <source>Pictures (*.jpg *.jpeg *.png)</source>
        <translation>图片 (*.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="275"/>
        <source>Photo saved.</source>
        <translation>照片已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="281"/>
        <source>The photo was not saved: %1</source>
        <translation>照片未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="306"/>
        <source>Take photo (Space)</source>
        <translation>拍照（空格）</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="307"/>
        <source>Import photo…</source>
        <translation>导入照片…</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="308"/>
        <source>no camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="253"/>
        <source>the picture has {0}x{1} pixels, more than the limit of {2} MP (setting image_max_megapixels); it was not opened</source>
        <translation>图片为 {0}x{1} 像素，超过 {2} 百万像素的上限（设置 image_max_megapixels），未打开</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="256"/>
        <source>the picture has more pixels than the limit of {0} MP (setting image_max_megapixels); it was not opened</source>
        <translation>图片像素超过 {0} 百万像素的上限（设置 image_max_megapixels），未打开</translation>
    </message>
</context>
<context>
    <name>ReportPreviewDialog</name>
    <message>
        <location filename="../../ui/report_preview.py" line="52"/>
        <source>The report has no pages.</source>
        <translation>报告没有页面。</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="56"/>
        <source>The printer could not be started.</source>
        <translation>无法启动打印机。</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="125"/>
        <source>The report could not be opened (%1).</source>
        <translation>无法打开报告（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="160"/>
        <source>Printed %1 page(s) to %2.</source>
        <translation>已在 %2 上打印 %1 页。</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="172"/>
        <source>Print report</source>
        <translation>打印报告</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="183"/>
        <source>The printer %1 is not available; use Print… to choose another.</source>
        <translation>打印机 %1 不可用；请用“打印…”选择其他打印机。</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="194"/>
        <source>Save the report as PDF</source>
        <translation>将报告另存为 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="195"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="212"/>
        <source>Report preview: %1</source>
        <translation>报告预览：%1</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="213"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="217"/>
        <source>Print again on %1</source>
        <translation>在 %1 上再次打印</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="217"/>
        <source>Print again</source>
        <translation>再次打印</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="218"/>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="219"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/report_preview.py" line="220"/>
        <source>%1 page(s)</source>
        <translation>%1 页</translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <location filename="../../ui/scan_screen.py" line="164"/>
        <source>Scan a return label</source>
        <translation>扫描退货标签</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="165"/>
        <source>RMA, tracking or order number, then Enter</source>
        <translation>RMA、运单号或订单号，然后按 Enter</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="166"/>
        <source>Recent scans</source>
        <translation>最近扫描</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="167"/>
        <source>No camera picture. Handheld scanner and typing still work.</source>
        <translation>没有摄像头画面。手持扫描器和键盘输入仍可使用。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="171"/>
        <source>Several returns match. Choose one (↑ ↓, Enter) or scan its RMA:</source>
        <translation>有多个退货单匹配。请选择一个（↑ ↓，Enter）或扫描其 RMA：</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="174"/>
        <source>Choose the item&apos;s category (↑ ↓, Enter); Esc cancels:</source>
        <translation>请选择商品类别（↑ ↓，Enter）；Esc 取消：</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="178"/>
        <source>Unfinished inspections (↑ ↓, Enter to continue; Esc cancels):</source>
        <translation>未完成的检验（↑ ↓，Enter 继续；Esc 取消）：</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="232"/>
        <source>You have {0} unfinished inspection(s): press F6 to continue one.</source>
        <translation>您有 {0} 个未完成的检验：按 F6 继续。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="250"/>
        <source>No camera picture ({0}). Handheld scanner and typing still work.</source>
        <translation>没有摄像头画面（{0}）。手持扫描器和键盘输入仍可使用。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="272"/>
        <source>Cancelled. Scan the next label.</source>
        <translation>已取消。请扫描下一个标签。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="320"/>
        <source>This code cannot be used: {0}</source>
        <translation>此条码无法使用：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="324"/>
        <source>That is an employee badge. Scan the return label of the parcel.</source>
        <translation>这是员工工牌。请扫描包裹上的退货标签。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="328"/>
        <source>Still looking up the last code…</source>
        <translation>仍在查询上一个条码…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="336"/>
        <source>Looking up…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="357"/>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="357"/>
        <source>scanner</source>
        <translation>扫描器</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="358"/>
        <source>typed</source>
        <translation>手动输入</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="389"/>
        <source>The lookup failed on this station: {0}. Try again.</source>
        <translation>本工位查询失败：{0}。请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="397"/>
        <source>Found {0}.</source>
        <translation>已找到 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="401"/>
        <source>{0} belongs to several returns.</source>
        <translation>{0} 对应多个退货单。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="412"/>
        <source>Unknown code: no return case has the code {0}. Check that you scanned the return label (RMA, tracking or order number), or type the RMA.</source>
        <translation>未知条码：没有退货单的条码是 {0}。请确认扫描的是退货标签（RMA、运单号或订单号），或手动输入 RMA。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="418"/>
        <source>The case server had a problem ({0}). Scan again to retry, or start the inspection unverified: choose the item&apos;s category.</source>
        <translation>退货服务器出现问题（{0}）。请重新扫描重试，或以未核实方式开始检验：选择商品类别。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="423"/>
        <source>Offline: the case server cannot be reached. The inspection starts unverified and is checked when the station is back online. Choose the item&apos;s category.</source>
        <translation>离线：无法连接退货服务器。检验将以未核实方式开始，恢复联网后再核对。请选择商品类别。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="455"/>
        <source>No unfinished inspections.</source>
        <translation>没有未完成的检验。</translation>
    </message>
    <message>
        <location filename="../../ui/scan_screen.py" line="461"/>
        <source>{0}  started {1}, step {2}</source>
        <translation>{0}  开始于 {1}，第 {2} 步</translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <location filename="../../ui/services.py" line="124"/>
        <source>No camera is connected.</source>
        <translation>未连接摄像头。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>on request</source>
        <translation>收到请求后应答</translation>
    </message>
    <message>
        <source>continuously, by itself</source>
        <translation>连续自动发送</translation>
    </message>
    <message>
        <source>100 × 150 mm</source>
        <translation>100 × 150 毫米</translation>
    </message>
    <message>
        <source>4 × 6 in</source>
        <translation>4 × 6 英寸</translation>
    </message>
    <message>
        <source>page printer (the system print queue)</source>
        <translation>页面打印机（系统打印队列）</translation>
    </message>
    <message>
        <source>ZPL printer (Zebra-type, raw TCP)</source>
        <translation>ZPL 打印机（斑马类，原始 TCP）</translation>
    </message>
    <message>
        <source>none (no label)</source>
        <translation>不打印（无标签）</translation>
    </message>
    <message>
        <source>empty: the default printer</source>
        <translation>留空：默认打印机</translation>
    </message>
    <message>
        <source>host name or IP address</source>
        <translation>主机名或 IP 地址</translation>
    </message>
    <message>
        <source>Page printer (print queue)</source>
        <translation>普通打印机（打印队列）</translation>
    </message>
    <message>
        <source>Zebra-type (ZPL, raw TCP)</source>
        <translation>斑马类（ZPL，原始 TCP）</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Label size</source>
        <translation>标签尺寸</translation>
    </message>
    <message>
        <source>Label print queue</source>
        <translation>标签打印队列</translation>
    </message>
    <message>
        <source>ZPL printer address and port</source>
        <translation>ZPL 打印机地址和端口</translation>
    </message>
    <message>
        <source>Label printer</source>
        <translation>标签打印机</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="119"/>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="120"/>
        <source>Certificates (*.pem *.crt);;All files (*)</source>
        <translation>证书 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="169"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="177"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="200"/>
        <source>Station settings</source>
        <translation>工位设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="202"/>
        <source>Case API URL</source>
        <translation>退货接口 URL</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="203"/>
        <source>CA bundle (PEM)</source>
        <translation>CA 证书包 (PEM)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="204"/>
        <source>Station token</source>
        <translation>工位令牌</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="205"/>
        <source>Camera (index, file or URL)</source>
        <translation>摄像头（编号、文件或 URL）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="206"/>
        <source>Camera resolution</source>
        <translation>摄像头分辨率</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="207"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="208"/>
        <source>Photo size (long edge)</source>
        <translation>照片尺寸（长边）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="209"/>
        <source>Photo JPEG quality</source>
        <translation>照片 JPEG 质量</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="213"/>
        <source>empty: demo mode</source>
        <translation>留空：演示模式</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="214"/>
        <source>empty: the system certificates</source>
        <translation>留空：使用系统证书</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="215"/>
        <source>leave empty to keep the stored token</source>
        <translation>留空则保留已存储的令牌</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="216"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="217"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="218"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>SetupScreen</name>
    <message>
        <location filename="../../ui/setup_screen.py" line="195"/>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="278"/>
        <source>Inspection station — setup</source>
        <translation>检验工作台 — 初始设置</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="279"/>
        <source>Set up this station</source>
        <translation>设置本工作台</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="280"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="282"/>
        <source>Nobody has set up this station yet. First create the shift lead who manages it; then connect it to the site&apos;s case system, or start training mode.</source>
        <translation>本工作台尚未设置。请先创建负责管理的班组长，然后连接本站点的售后系统，或进入培训模式。</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="284"/>
        <source>1. The first shift lead</source>
        <translation>1. 第一位班组长</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="286"/>
        <source>Badge / ID:</source>
        <translation>工牌 / 工号：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="286"/>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="286"/>
        <source>PIN (at least 6 digits):</source>
        <translation>PIN（至少 6 位数字）：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="287"/>
        <source>PIN again:</source>
        <translation>再次输入 PIN：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="289"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="290"/>
        <source>2a. Connect to the site&apos;s case API</source>
        <translation>2a. 连接本站点的售后系统接口</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="292"/>
        <source>Case API URL:</source>
        <translation>售后系统接口网址：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="292"/>
        <source>Station ID:</source>
        <translation>工作台编号：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="292"/>
        <source>Station token:</source>
        <translation>工作台令牌：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="293"/>
        <source>Site CA bundle (optional):</source>
        <translation>站点 CA 证书（可选）：</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="295"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="296"/>
        <source>Connect and start</source>
        <translation>连接并启动</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="297"/>
        <source>2b. Training mode</source>
        <translation>2b. 培训模式</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="299"/>
        <source>Practice on demo cases with a built-in case server on this computer. Every screen and every report says TRAINING; nothing is sent to a real case system. Training keeps its own data folder.</source>
        <translation>在本机内置的售后服务器上用演示售后单练习。每个界面和每份报告都标有 TRAINING（培训）；不会向真实售后系统发送任何数据。培训模式使用独立的数据文件夹。</translation>
    </message>
    <message>
        <location filename="../../ui/setup_screen.py" line="302"/>
        <source>Start training mode</source>
        <translation>进入培训模式</translation>
    </message>
</context>
<context>
    <name>SignOffBox</name>
    <message>
        <source>Serial/IMEI mismatch: the item is held for review. A shift lead must sign off with a reason before you can confirm.</source>
        <translation>序列号/IMEI 不符：商品暂扣待审。须由班组长填写原因签核后才能确认。</translation>
    </message>
    <message>
        <source>Scanned again after the sign-off: a shift lead must sign off again.</source>
        <translation>签核后已重新扫描：须由班组长重新签核。</translation>
    </message>
    <message>
        <source>Shift lead's reason (required)</source>
        <translation>班组长填写原因（必填）</translation>
    </message>
    <message>
        <source>Product code mismatch: the item is held for review. A shift lead must sign off with a reason before you can confirm.</source>
        <translation>商品条码不符：商品暂扣待审。确认前须由班组长填写原因并签核。</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="113"/>
        <source>Enter the shift lead&apos;s badge or ID and PIN.</source>
        <translation>请输入班组长的工牌或工号及 PIN。</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="118"/>
        <source>Checking…</source>
        <translation>正在核验…</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="127"/>
        <source>Signed off by shift lead %1.</source>
        <translation>已由班组长 %1 签核。</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="147"/>
        <source>Serial/IMEI mismatch: a shift lead must sign off before you can confirm.</source>
        <translation>序列号/IMEI 不符：须由班组长签核后才能确认。</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="149"/>
        <source>Shift lead: scan badge or type ID</source>
        <translation>班组长：扫描工牌或输入工号</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="150"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/mismatch_signoff.py" line="151"/>
        <source>Sign off</source>
        <translation>签核</translation>
    </message>
</context>
<context>
    <name>StartProblem</name>
    <message>
        <location filename="../../ui/start_problem.py" line="21"/>
        <source>photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="22"/>
        <source>the station token</source>
        <translation>工位令牌</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="23"/>
        <source>the audit key</source>
        <translation>审计密钥</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="24"/>
        <source>logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="31"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="32"/>
        <source>empty</source>
        <translation>为空</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="33"/>
        <source>The station database {0} is {1}, but this data folder holds {2} from an earlier start. It was not rebuilt, so nothing is overwritten.

To restore: copy station.db from your backup into {3} and start again. To set up a new station instead, first move the whole folder {3} aside.</source>
        <translation>工位数据库 {0} {1}，但此数据文件夹中还有此前运行留下的{2}。数据库未被重建，因此没有任何内容被覆盖。

恢复方法：从备份中将 station.db 复制到 {3}，然后重新启动。若要改为建立新工位，请先将整个文件夹 {3} 移走。</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="42"/>
        <source>The station database {0} is damaged. Nothing was written to it.

To restore: copy station.db from your backup over it (or move it aside) and start again.

Details: {1}</source>
        <translation>工位数据库 {0} 已损坏，未向其写入任何内容。

恢复方法：用备份中的 station.db 覆盖它（或将其移走），然后重新启动。

详情：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="47"/>
        <source>The station cannot start:
{0}</source>
        <translation>工位无法启动：
{0}</translation>
    </message>
    <message>
        <location filename="../../ui/start_problem.py" line="54"/>
        <source>Inspection station</source>
        <translation>检验工位</translation>
    </message>
</context>
<context>
    <name>TrainingBanner</name>
    <message>
        <location filename="../../ui/training.py" line="31"/>
        <source>TRAINING — practice data only, nothing is sent to the case system</source>
        <translation>TRAINING 培训模式 — 仅为练习数据，不会发送到售后系统</translation>
    </message>
</context>
<context>
    <name>StationStart</name>
    <message>
        <location filename="../../ui/main.py" line="136"/>
        <source>Inspection station</source>
        <translation>检验工作台</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="141"/>
        <source>A checklist template cannot be used, so the station cannot start.

File: {0}
Step: {1}
Problem: {2}

Correct the file (or put back the one that came with the station), then start the station again.</source>
        <translation>检验模板无法使用，工作台无法启动。

文件：{0}
步骤：{1}
问题：{2}

请修正该文件（或放回工作台自带的文件），然后重新启动工作台。</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="149"/>
        <source>The disposition rules cannot be used, so the station cannot start.

{0}

Correct the file, then start the station again.</source>
        <translation>处置规则无法使用，工作台无法启动。

{0}

请修正该文件，然后重新启动工作台。</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="154"/>
        <source>The station cannot start:
{0}</source>
        <translation>工作台无法启动：
{0}</translation>
    </message>
</context>
<context>
    <name>_Thumb</name>
    <message>
        <location filename="../../ui/photo_widgets.py" line="76"/>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="81"/>
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="82"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/photo_widgets.py" line="84"/>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>all actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>The chain breaks at this entry.</source>
        <translation>审计链在此记录处断裂。</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Inspection ID</source>
        <translation>检验编号</translation>
    </message>
    <message>
        <source>Operator ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>LabelPrinting</name>
    <message>
        <source>No printer is installed on this computer.</source>
        <translation>本电脑未安装打印机。</translation>
    </message>
    <message>
        <source>The label printer %1 is not available.</source>
        <translation>标签打印机 %1 不可用。</translation>
    </message>
    <message>
        <source>The label PDF could not be opened.</source>
        <translation>无法打开标签 PDF。</translation>
    </message>
</context>
<context>
    <name>LabelFailureBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭提示</translation>
    </message>
    <message>
        <source>Print the label again</source>
        <translation>重新打印标签</translation>
    </message>
    <message>
        <source>The label did not print: %1 The result is saved.</source>
        <translation>标签未打印：%1 检验结果已保存。</translation>
    </message>
</context>
<context>
    <name>FlowHeader</name>
    <message>
        <source>SERIAL MISMATCH: scanned %1, the case expects %2. Possible swapped item: check the item and the label. The item is held for review.</source>
        <translation>序列号不符：扫描到 %1，退货单应为 %2。可能是调包商品：请检查商品和标签。商品暂扣待审。</translation>
    </message>
    <message>
        <source>PRODUCT CODE MISMATCH: scanned %1, the case expects %2. Another product in the box? The item is held for review.</source>
        <translation>商品条码不符：扫描 %1，售后单应为 %2。箱内是其他商品？商品暂扣待审。</translation>
    </message>
    <message>
        <source>SERIAL MISMATCH: scanned %1, the case expects %2. Possible swapped item: check the item and the label.</source>
        <translation>序列号不符：扫描到 %1，退货单应为 %2。可能是调包商品：请检查商品和标签。</translation>
    </message>
    <message>
        <source>UNVERIFIED (offline) · %1 · %2</source>
        <translation>未核实（离线）· %1 · %2</translation>
    </message>
</context>
<context>
    <name>FlowInput</name>
    <message>
        <source>The camera read %1. Press Enter to use it.</source>
        <translation>摄像头读到 %1。按回车键确认使用。</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <source>Put the item on the scale: it is read by itself; Enter takes its reading</source>
        <translation>把商品放在电子秤上：自动读取重量；按 Enter 采用读数</translation>
    </message>
    <message>
        <source>The scale did not answer: type the grams and press Enter (or read the scale again)</source>
        <translation>电子秤无应答：请输入克数后按 Enter（或重新读取电子秤）</translation>
    </message>
    <message>
        <source>(no product code on the case)</source>
        <translation>（售后单无商品条码）</translation>
    </message>
    <message>
        <source>Scan the barcode on the product (EAN/UPC/GTIN or GS1 DataMatrix); the case expects: %1 · N: the product has no barcode</source>
        <translation>扫描商品上的条码（EAN/UPC/GTIN 或 GS1 DataMatrix）；售后单应为：%1 · N：商品没有条码</translation>
    </message>
    <message>
        <source>Accepted range: %1 to %2 %3</source>
        <translation>合格范围：%1 至 %2 %3</translation>
    </message>
    <message>
        <source>Take a photo.</source>
        <translation>请拍照。</translation>
    </message>
    <message>
        <source>Out of range (%1 to %2 %3): this counts as a FAIL.</source>
        <translation>超出范围（%1 至 %2 %3）：计为不合格。</translation>
    </message>
    <message>
        <source>optional note</source>
        <translation>可选备注</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>N/A (N)</source>
        <translation>不适用 (N)</translation>
    </message>
    <message>
        <source>Fail (F)</source>
        <translation>不合格 (F)</translation>
    </message>
    <message>
        <source>Pass (P)</source>
        <translation>合格 (P)</translation>
    </message>
    <message>
        <source>A fail needs a photo.</source>
        <translation>不合格需要拍照。</translation>
    </message>
    <message>
        <source>(no serial on the case)</source>
        <translation>（退货单上没有序列号）</translation>
    </message>
    <message>
        <source>serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <source>Scan the %1 label; expected: %2</source>
        <translation>扫描%1标签；应为：%2</translation>
    </message>
    <message>
        <source>Space takes the photo · N not applicable · Enter next</source>
        <translation>空格键拍照 · N 不适用 · Enter 下一步</translation>
    </message>
    <message>
        <source>Type or scan, then press Enter</source>
        <translation>输入或扫描，然后按 Enter</translation>
    </message>
    <message>
        <source>Type the reading and press Enter</source>
        <translation>输入读数后按 Enter</translation>
    </message>
    <message>
        <source>1-9 choose · N not applicable · Enter next</source>
        <translation>1-9 选择 · N 不适用 · Enter 下一步</translation>
    </message>
    <message>
        <source>P pass · F fail · N not applicable · Enter next</source>
        <translation>P 合格 · F 不合格 · N 不适用 · Enter 下一步</translation>
    </message>
    <message>
        <source> (optional)</source>
        <translation>（可选）</translation>
    </message>
    <message>
        <source>%1 · step %2 of %3</source>
        <translation>%1 · 第 %2 步，共 %3 步</translation>
    </message>
    <message>
        <source>Accessories</source>
        <translation>配件</translation>
    </message>
    <message>
        <source>Function</source>
        <translation>功能</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Serial/IMEI does NOT match the case: held for review.</source>
        <translation>序列号/IMEI 与退货单不一致：暂扣待审。</translation>
    </message>
    <message>
        <source>The case gives no product code to compare with.</source>
        <translation>售后单未提供可比对的商品条码。</translation>
    </message>
    <message>
        <source>Product code not scanned (N/A).</source>
        <translation>未扫描商品条码（不适用）。</translation>
    </message>
    <message>
        <source>Product code does NOT match the case: held for review.</source>
        <translation>商品条码与售后单不符：暂扣待审。</translation>
    </message>
    <message>
        <source>Product code matches the case.</source>
        <translation>商品条码与售后单一致。</translation>
    </message>
    <message>
        <source>Not tested (N/A or skipped): %1</source>
        <translation>未测试（不适用或跳过）：%1</translation>
    </message>
    <message>
        <source>%1, untested</source>
        <translation>%1（未测试）</translation>
    </message>
    <message>
        <source>Override: %1 → disposition %2</source>
        <translation>更改为：%1 → 处置 %2</translation>
    </message>
    <message>
        <source>Override: %1 (suggested: %2)</source>
        <translation>更改为：%1（建议：%2）</translation>
    </message>
    <message>
        <source>required when you change the classification</source>
        <translation>更改判定时必填</translation>
    </message>
    <message>
        <source>Override reason</source>
        <translation>更改原因</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>The case lists no serial to compare with.</source>
        <translation>退货单上没有可比对的序列号。</translation>
    </message>
    <message>
        <source>Serial/IMEI not captured.</source>
        <translation>未录入序列号/IMEI。</translation>
    </message>
    <message>
        <source>Serial/IMEI does NOT match the case.</source>
        <translation>序列号/IMEI 与退货单不一致。</translation>
    </message>
    <message>
        <source>Serial/IMEI matches the case.</source>
        <translation>序列号/IMEI 与退货单一致。</translation>
    </message>
    <message>
        <source>Missing accessories: none</source>
        <translation>缺少配件：无</translation>
    </message>
    <message>
        <source>Missing accessories: %1</source>
        <translation>缺少配件：%1</translation>
    </message>
    <message>
        <source>Because: no step failed.</source>
        <translation>依据：没有不合格的步骤。</translation>
    </message>
    <message>
        <source>Because:</source>
        <translation>依据：</translation>
    </message>
    <message>
        <source>Disposition: %1</source>
        <translation>处置：%1</translation>
    </message>
    <message>
        <source>Suggested: %1</source>
        <translation>建议：%1</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
</context>
<context>
    <name>ScalePanel</name>
    <message>
        <source>Scale: %1 g</source>
        <translation>电子秤：%1 克</translation>
    </message>
    <message>
        <source>Read the scale</source>
        <translation>读取电子秤</translation>
    </message>
</context>
</TS>
