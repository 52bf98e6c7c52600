<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>BoardScreen</name>
        <message>
            <source>Free</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>Taken</source>
            <translation>已选</translation>
        </message>
        <message>
            <source>{floor}F</source>
            <translation>{floor}层</translation>
        </message>
        <message>
            <source>Building {name}</source>
            <translation>{name}栋</translation>
        </message>
        <message>
            <source>No units to show</source>
            <translation>暂无房源</translation>
        </message>
        <message>
            <source>Unit board</source>
            <translation>房源播报</translation>
        </message>
        <message>
            <source>{type}: {free} free, {taken} taken</source>
            <translation>{type}：可选 {free} 套，已选 {taken} 套</translation>
        </message>
    </context>
    <context>
        <name>CallScreen</name>
        <message>
            <source>Call the next household</source>
            <translation>叫号</translation>
        </message>
        <message>
            <source>The plan's code, e.g. Q2609; Enter reads its selection</source>
            <translation>配租计划编号，如 Q2609；按回车读取选房情况</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Round</source>
            <translation>场次</translation>
        </message>
        <message>
            <source>Waiting</source>
            <translation>等候</translation>
        </message>
        <message>
            <source>Registration no. of a late household that has come</source>
            <translation>迟到家庭到场后，输入其登记编号</translation>
        </message>
        <message>
            <source>Late household arrived</source>
            <translation>迟到家庭已到场</translation>
        </message>
        <message>
            <source>Take the next household</source>
            <translation>叫下一户</translation>
        </message>
        <message>
            <source>{n} waiting, {late} passed over</source>
            <translation>等候 {n} 户，过号 {late} 户</translation>
        </message>
        <message>
            <source>{reg_no} is queued after the household being served</source>
            <translation>{reg_no} 已排在正在选房的家庭之后</translation>
        </message>
    </context>
    <context>
        <name>CallingScreen</name>
        <message>
            <source>Counter</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Household</source>
            <translation>申请家庭</translation>
        </message>
        <message>
            <source>Unit type</source>
            <translation>户型</translation>
        </message>
        <message>
            <source>Time left</source>
            <translation>剩余时间</translation>
        </message>
        <message>
            <source>Unit selection</source>
            <translation>选房</translation>
        </message>
        <message>
            <source>No household is at a counter yet</source>
            <translation>暂无家庭在窗口选房</translation>
        </message>
        <message>
            <source>Please get ready: {names}</source>
            <translation>请准备：{names}</translation>
        </message>
        <message>
            <source>Page {page} of {pages}</source>
            <translation>第 {page} / {pages} 页</translation>
        </message>
        <message>
            <source>Counter {n}</source>
            <translation>{n} 号窗口</translation>
        </message>
        <message>
            <source>Preparing</source>
            <translation>准备中</translation>
        </message>
        <message>
            <source>Paused {time}</source>
            <translation>暂停 {time}</translation>
        </message>
    </context>
    <context>
        <name>CancelDialog</name>
        <message>
            <source>Cancel registration</source>
            <translation>取消登记</translation>
        </message>
        <message>
            <source>Cancel registration {reg_no}</source>
            <translation>取消登记 {reg_no}</translation>
        </message>
        <message>
            <source>{plan} · {project} {unit_type} {unit}
Cancellation possible until {deadline}</source>
            <translation>{plan} · {project} {unit_type} {unit}
取消截止时间：{deadline}</translation>
        </message>
        <message>
            <source>Required when the reason is “Other”</source>
            <translation>原因选“其他”时必须填写</translation>
        </message>
        <message>
            <source>Cancel this registration</source>
            <translation>确认取消登记</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>取消原因</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>具体说明</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>主管</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Please choose a reason for cancelling.</source>
            <translation>请选择取消原因</translation>
        </message>
    </context>
    <context>
        <name>CountdownLabel</name>
        <message>
            <source>Waiting for the households before it in its pool</source>
            <translation>等候同一号池排在前面的家庭选完</translation>
        </message>
        <message>
            <source>Paused at {left}: this counter cannot reach the centre; the time goes on when it does</source>
            <translation>计时暂停（剩余 {left}）：本窗口连接不上中心，恢复连接后继续计时</translation>
        </message>
        <message>
            <source>Its turn: {left} left</source>
            <translation>正选中：剩余 {left}</translation>
        </message>
    </context>
    <context>
        <name>CounterWizard</name>
        <message>
            <source>Identify</source>
            <translation>核验身份</translation>
        </message>
        <message>
            <source>Choose a plan</source>
            <translation>选择计划</translation>
        </message>
        <message>
            <source>Choose a project and a unit type</source>
            <translation>选择项目和户型</translation>
        </message>
        <message>
            <source>Choose a unit</source>
            <translation>选择房源</translation>
        </message>
        <message>
            <source>Notice</source>
            <translation>告知书</translation>
        </message>
        <message>
            <source>Confirm</source>
            <translation>确认</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>‹ Back</source>
            <translation>‹ 上一步</translation>
        </message>
        <message>
            <source>Enter: go on   Esc: back</source>
            <translation>回车键：下一步　　Esc键：返回</translation>
        </message>
        <message>
            <source>Enter: go on</source>
            <translation>回车键：下一步</translation>
        </message>
        <message>
            <source>Household: {name} · filing {filing} · {district} · {n} person(s)</source>
            <translation>申请家庭：{name} · 备案编号 {filing} · {district} · {n}人</translation>
        </message>
    </context>
    <context>
        <name>DoneScreen</name>
        <message>
            <source>✓ Registered</source>
            <translation>✓ 登记成功</translation>
        </message>
        <message>
            <source>Registration number</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Print again</source>
            <translation>重新打印</translation>
        </message>
        <message>
            <source>Next household ›</source>
            <translation>下一户 ›</translation>
        </message>
        <message>
            <source>✓ Registered, awaiting the centre's confirmation</source>
            <translation>✓ 登记成功（待中心确认）</translation>
        </message>
        <message>
            <source>The centre did not answer, so this unit is not confirmed yet; the slip says so. Ask the household to keep the slip: if another household was first, the counter will call them to come back and choose again.</source>
            <translation>中心暂未应答，所选房源尚待中心确认，回执上已注明。请提醒家庭保管好回执；如房源已被其他家庭先选定，窗口将电话通知其携回执回来重新选择。</translation>
        </message>
        <message>
            <source>Printing the slip…</source>
            <translation>正在打印回执…</translation>
        </message>
        <message>
            <source>Selection result</source>
            <translation>选房结果</translation>
        </message>
        <message>
            <source>Print the result sheet again</source>
            <translation>重新打印选房确认书</translation>
        </message>
        <message>
            <source>Apply for supplementary selection</source>
            <translation>申请补选</translation>
        </message>
        <message>
            <source>Next household</source>
            <translation>下一户</translation>
        </message>
        <message>
            <source>Chosen: {unit}</source>
            <translation>已确认正选：{unit}</translation>
        </message>
        <message>
            <source>Chosen automatically when the time ran out: {unit}</source>
            <translation>选房时间结束，系统自动选定：{unit}</translation>
        </message>
        <message>
            <source>{type}, {area:.1f} m², rent {rent:.0f} a month</source>
            <translation>{type}，{area:.1f} 平方米，月租金 {rent:.0f} 元</translation>
        </message>
        <message>
            <source>No unit: the time ran out and none of its wishes was free</source>
            <translation>未选定房源：选房时间结束，预选房源均已被选</translation>
        </message>
        <message>
            <source>The household declined; it may not apply for supplementary selection</source>
            <translation>该家庭已放弃选房，不能申请补选</translation>
        </message>
        <message>
            <source>Recorded absent</source>
            <translation>已记为缺席</translation>
        </message>
        <message>
            <source>Printing the result sheet…</source>
            <translation>正在打印选房确认书…</translation>
        </message>
        <message>
            <source>The result sheet was not printed; print it again</source>
            <translation>选房确认书未打印，请重新打印</translation>
        </message>
        <message>
            <source>The result sheet is printed: have it signed</source>
            <translation>选房确认书已打印，请家庭签字确认</translation>
        </message>
        <message>
            <source>Applied: the household will be called in the supplementary round</source>
            <translation>已申请补选，补选场次将叫号</translation>
        </message>
    </context>
    <context>
        <name>DrawScreen</name>
        <message>
            <source>Draw</source>
            <translation>摇号</translation>
        </message>
        <message>
            <source>The centre draws once. This counter then computes the same draw from the frozen list and the sources; the hall sees the result only if both agree.</source>
            <translation>中心只摇号一次。本机随后用冻结名单和随机源重新计算，两者一致才在大屏揭晓结果。</translation>
        </message>
        <message>
            <source>Retract this draw…</source>
            <translation>撤销本次摇号…</translation>
        </message>
        <message>
            <source>Source: {label}: {value}</source>
            <translation>随机源：{label}：{value}</translation>
        </message>
        <message>
            <source>Draw now ›</source>
            <translation>开始摇号 ›</translation>
        </message>
        <message>
            <source>Check the result ›</source>
            <translation>核验结果 ›</translation>
        </message>
        <message>
            <source>Drawing at the centre…</source>
            <translation>中心正在摇号…</translation>
        </message>
        <message>
            <source>Computing the draw on this counter and comparing…</source>
            <translation>本机正在重新计算并与中心结果比对…</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>Export registrations</source>
            <translation>导出登记</translation>
        </message>
        <message>
            <source>All plans</source>
            <translation>全部计划</translation>
        </message>
        <message>
            <source>Only one day</source>
            <translation>只导出一天</translation>
        </message>
        <message>
            <source>All counters</source>
            <translation>全部窗口</translation>
        </message>
        <message>
            <source>Excel (XLSX)</source>
            <translation>Excel 表格（XLSX）</translation>
        </message>
        <message>
            <source>CSV (UTF-8)</source>
            <translation>CSV 文件（UTF-8）</translation>
        </message>
        <message>
            <source>Full personal data (names, ID numbers and phones unmasked)</source>
            <translation>完整个人信息（姓名、身份证号码、电话不脱敏）</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>Format</source>
            <translation>格式</translation>
        </message>
        <message>
            <source>Personal data</source>
            <translation>个人信息</translation>
        </message>
        <message>
            <source>Counter {counter}</source>
            <translation>{counter} 号窗口</translation>
        </message>
        <message>
            <source>full personal data</source>
            <translation>完整个人信息</translation>
        </message>
        <message>
            <source>personal data masked</source>
            <translation>个人信息已脱敏</translation>
        </message>
        <message>
            <source>{n} registration(s) exported ({kind}), saved to:
{path}</source>
            <translation>已导出 {n} 条登记（{kind}），保存在：
{path}</translation>
        </message>
        <message>
            <source>The file is deleted from this computer after {days} day(s): copy it before then.</source>
            <translation>此文件 {days} 天后将从本机自动删除，请在此之前拷走。</translation>
        </message>
        <message>
            <source>The file is deleted from this computer at the next daily clean-up: copy it now.</source>
            <translation>此文件将在下次每日自动清理时从本机删除，请现在拷走。</translation>
        </message>
    </context>
    <context>
        <name>FaultRecovery</name>
        <message>
            <source>Something went wrong. Nothing was lost: saved registrations and the household's details entered so far are kept.</source>
            <translation>系统出了点问题，已回到登录界面。没有丢失任何内容：已保存的登记和刚才录入的家庭信息都还在。</translation>
        </message>
        <message>
            <source>Please sign in again to go on; it has been logged for technical support</source>
            <translation>请重新登录后继续办理；问题已记录日志，供技术支持查看</translation>
        </message>
        <message>
            <source>Please sign in again to go on; the log could not be written, so tell technical support what you did and when</source>
            <translation>请重新登录后继续办理；日志未能写入，请告诉技术支持刚才的操作和时间</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>{y}-{m:02d}-{d:02d} {hm}</source>
            <translation>{y}年{m}月{d}日 {hm}</translation>
        </message>
        <message>
            <source>{rent} yuan/month</source>
            <translation>{rent} 元/月</translation>
        </message>
        <message>
            <source>for {n} person(s)</source>
            <translation>限{n}人</translation>
        </message>
        <message>
            <source>for {low}–{high} persons</source>
            <translation>限{low}–{high}人</translation>
        </message>
        <message>
            <source>Opens in {left}</source>
            <translation>距登记开始 {left}</translation>
        </message>
        <message>
            <source>Closes in {left}</source>
            <translation>距登记截止 {left}</translation>
        </message>
        <message>
            <source>Registration closed</source>
            <translation>登记已截止</translation>
        </message>
        <message>
            <source>{days} d {clock}</source>
            <translation>{days}天 {clock}</translation>
        </message>
    </context>
    <context>
        <name>FreezeScreen</name>
        <message>
            <source>Freeze the entry list</source>
            <translation>冻结名单</translation>
        </message>
        <message>
            <source>Digits drawn on site by the notary</source>
            <translation>公证员现场摇出的数字</translation>
        </message>
        <message>
            <source> digits</source>
            <translation> 位</translation>
        </message>
        <message>
            <source>Optional: e.g. a welfare lottery's draw of a named date</source>
            <translation>可不填：如某日某期福利彩票开奖结果</translation>
        </message>
        <message>
            <source> bits declared</source>
            <translation> 比特（声明）</translation>
        </message>
        <message>
            <source>Freeze anyway (the registrations not yet sent stay off the list)</source>
            <translation>仍然冻结（尚未上传的登记不进入名单）</translation>
        </message>
        <message>
            <source>On-site digits</source>
            <translation>现场数字</translation>
        </message>
        <message>
            <source>How many digits</source>
            <translation>数字位数</translation>
        </message>
        <message>
            <source>Public result</source>
            <translation>公开开奖结果</translation>
        </message>
        <message>
            <source>Its entropy</source>
            <translation>其熵值</translation>
        </message>
        <message>
            <source>Freeze the list ›</source>
            <translation>冻结名单 ›</translation>
        </message>
        <message>
            <source>{pool}: {entries} households, {units} units{quotas}</source>
            <translation>{pool}：{entries} 户，{units} 套{quotas}</translation>
        </message>
        <message>
            <source>, {group} first: {k}</source>
            <translation>，{group}优先 {k} 套</translation>
        </message>
        <message>
            <source>counter {counter}: {n}</source>
            <translation>{counter}号窗口 {n} 笔</translation>
        </message>
        <message>
            <source>Registrations not yet at the centre: {counters}. Let them sync before freezing.</source>
            <translation>以下窗口还有未上传中心的登记：{counters}。请等其同步后再冻结。</translation>
        </message>
        <message>
            <source>Sources: about {bits:.1f} bits; the draw needs {min}: {n} more digit(s)</source>
            <translation>随机源约 {bits:.1f} 比特，摇号至少需要 {min}：还差 {n} 位数字</translation>
        </message>
        <message>
            <source>Sources: about {bits:.1f} bits (the draw needs {min})</source>
            <translation>随机源约 {bits:.1f} 比特（摇号至少需要 {min}）</translation>
        </message>
        <message>
            <source>Freezing the list at the centre…</source>
            <translation>正在中心冻结名单…</translation>
        </message>
    </context>
    <context>
        <name>HallLauncher</name>
        <message>
            <source>Hall screen {n} is not connected; the hall window is on screen {m}</source>
            <translation>大屏 {n} 没有接上，大屏画面暂时显示在屏幕 {m} 上</translation>
        </message>
        <message>
            <source>Connect the hall's screen, or set [hall] screen in the configuration</source>
            <translation>请接好大厅的屏幕，或在配置文件中改 [hall] screen</translation>
        </message>
        <message>
            <source>Public rental housing registration</source>
            <translation>公共租赁住房登记窗口</translation>
        </message>
        <message>
            <source>Please have your filing notice and resident ID ready. Wait to be called.</source>
            <translation>请备好备案通知单和居民身份证，等候叫号</translation>
        </message>
    </context>
    <context>
        <name>HeaderBar</name>
        <message>
            <source>Public rental housing registration</source>
            <translation>公共租赁住房登记窗口</translation>
        </message>
        <message>
            <source>Counter {n}</source>
            <translation>第{n}号窗口</translation>
        </message>
        <message>
            <source>Smaller text</source>
            <translation>字小一点</translation>
        </message>
        <message>
            <source>Bigger text</source>
            <translation>字大一点</translation>
        </message>
        <message>
            <source>More</source>
            <translation>更多</translation>
        </message>
        <message>
            <source>Hall screen</source>
            <translation>大屏</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>退出登录</translation>
        </message>
    </context>
    <context>
        <name>IdentifyScreen</name>
        <message>
            <source>Scan the barcode on the filing notice, or type it</source>
            <translation>扫描备案通知单条码，或手工输入</translation>
        </message>
        <message>
            <source>18 characters; the last may be X</source>
            <translation>18位，最后一位可能是X</translation>
        </message>
        <message>
            <source>Scan or type the household's identity</source>
            <translation>扫描或输入备案家庭信息</translation>
        </message>
        <message>
            <source>Filing number</source>
            <translation>备案编号</translation>
        </message>
        <message>
            <source>Applicant's resident ID number</source>
            <translation>主申请人身份证号码</translation>
        </message>
        <message>
            <source>After a scan the cursor moves to the ID number by itself; Enter after the ID number verifies.</source>
            <translation>扫码后光标自动跳到身份证号码；输完身份证号码按回车键核验</translation>
        </message>
        <message>
            <source>The household appears here after verification.</source>
            <translation>核验通过后，这里显示备案家庭信息。</translation>
        </message>
        <message>
            <source>Resident ID</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>District</source>
            <translation>户籍区</translation>
        </message>
        <message>
            <source>Valid until</source>
            <translation>有效期至</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>联系电话</translation>
        </message>
        <message>
            <source>Family size</source>
            <translation>家庭人数</translation>
        </message>
        <message>
            <source>Relation</source>
            <translation>关系</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>View registration records</source>
            <translation>查看登记记录</translation>
        </message>
        <message>
            <source>Family members</source>
            <translation>家庭成员</translation>
        </message>
        <message>
            <source>Verifying…</source>
            <translation>正在核验…</translation>
        </message>
        <message>
            <source>Next: choose a plan ›</source>
            <translation>下一步：选择计划 ›</translation>
        </message>
        <message>
            <source>Verify</source>
            <translation>核验</translation>
        </message>
        <message>
            <source>Applicant: {name}</source>
            <translation>主申请人：{name}</translation>
        </message>
        <message>
            <source>{n} person(s)</source>
            <translation>{n}人</translation>
        </message>
        <message>
            <source>Identify the household</source>
            <translation>核验家庭</translation>
        </message>
        <message>
            <source>Scan the filing notice or the resident ID, or type either</source>
            <translation>扫描备案通知单或身份证，也可手工输入</translation>
        </message>
        <message>
            <source>Not here: pass over</source>
            <translation>未到场，过号</translation>
        </message>
        <message>
            <source>Identify</source>
            <translation>核验身份</translation>
        </message>
        <message>
            <source>Called: {household}</source>
            <translation>已叫号：{household}</translation>
        </message>
        <message>
            <source>Scan the household's filing notice or resident ID first</source>
            <translation>请先扫描该家庭的备案通知单或身份证</translation>
        </message>
        <message>
            <source>These papers are not the called household's ({household}); scan the called household's</source>
            <translation>所持证件不是本窗口叫到的家庭（{household}），请扫描叫到家庭的证件</translation>
        </message>
    </context>
    <context>
        <name>IdleWarningBar</name>
        <message>
            <source>{n} min</source>
            <translation>{n}分钟</translation>
        </message>
        <message>
            <source>{n} s</source>
            <translation>{n}秒</translation>
        </message>
        <message>
            <source>The screen will lock in {left}. Please move the mouse or press a key.</source>
            <translation>{left}后将锁定屏幕，请动一下鼠标或键盘</translation>
        </message>
    </context>
    <context>
        <name>LeaveKioskDialog</name>
        <message>
            <source>Close the counter</source>
            <translation>关闭本窗口程序</translation>
        </message>
        <message>
            <source>This counter is in kiosk mode. A supervisor's username and password close it.</source>
            <translation>本窗口处于锁定模式，需主管输入自己的用户名和密码才能关闭程序。</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>主管</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Keep it running</source>
            <translation>继续运行</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>Screen locked</source>
            <translation>屏幕已锁定</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>解锁</translation>
        </message>
        <message>
            <source>Switch user</source>
            <translation>切换用户</translation>
        </message>
        <message>
            <source>Enter {name}'s password to continue, or switch user.</source>
            <translation>请输入{name}的密码继续办理，或切换用户</translation>
        </message>
    </context>
    <context>
        <name>LoginScreen</name>
        <message>
            <source>Staff sign-in</source>
            <translation>工作人员登录</translation>
        </message>
        <message>
            <source>Your user name</source>
            <translation>请输入用户名</translation>
        </message>
        <message>
            <source>Your password</source>
            <translation>请输入密码</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
    </context>
    <context>
        <name>LotteryConsole</name>
        <message>
            <source>Public rental housing lottery</source>
            <translation>公共租赁住房摇号</translation>
        </message>
        <message>
            <source>Plans</source>
            <translation>选择计划</translation>
        </message>
        <message>
            <source>Freeze</source>
            <translation>冻结</translation>
        </message>
        <message>
            <source>Sources</source>
            <translation>随机源</translation>
        </message>
        <message>
            <source>Draw</source>
            <translation>摇号</translation>
        </message>
        <message>
            <source>Reveal</source>
            <translation>揭晓</translation>
        </message>
        <message>
            <source>Publish</source>
            <translation>发布</translation>
        </message>
        <message>
            <source>Show on the hall screen</source>
            <translation>投到大屏</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Frozen list: {n} households, SHA-256 {hash}</source>
            <translation>冻结名单：{n} 户，SHA-256 {hash}</translation>
        </message>
        <message>
            <source>Seed {seed}</source>
            <translation>种子 {seed}</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Public rental housing registration</source>
            <translation>公共租赁住房登记窗口</translation>
        </message>
    </context>
    <context>
        <name>MessageBar</name>
        <message>
            <source>Dismiss</source>
            <translation>知道了</translation>
        </message>
    </context>
    <context>
        <name>NoticeBoardScreen</name>
        <message>
            <source>{y}-{m:02d}-{d:02d}</source>
            <translation>{y}年{m}月{d}日</translation>
        </message>
    </context>
    <context>
        <name>NoticeScreen</name>
        <message>
            <source>▶ Read aloud</source>
            <translation>▶ 朗读</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Replay</source>
            <translation>重播</translation>
        </message>
        <message>
            <source>Slow</source>
            <translation>慢</translation>
        </message>
        <message>
            <source>Normal</source>
            <translation>正常</translation>
        </message>
        <message>
            <source>Faster</source>
            <translation>较快</translation>
        </message>
        <message>
            <source>Fast</source>
            <translation>快</translation>
        </message>
        <message>
            <source>The applicant has read the registration notice carefully</source>
            <translation>申请人已仔细阅读登记告知书</translation>
        </message>
        <message>
            <source>Speed</source>
            <translation>语速</translation>
        </message>
        <message>
            <source>Registration notice</source>
            <translation>登记告知书</translation>
        </message>
        <message>
            <source>{title} (version {v})</source>
            <translation>{title}（第{v}版）</translation>
        </message>
        <message>
            <source>The notice has been read aloud to the end.</source>
            <translation>告知书已完整朗读。</translation>
        </message>
        <message>
            <source>Preparing speech…</source>
            <translation>正在准备语音…</translation>
        </message>
        <message>
            <source>Reading aloud…</source>
            <translation>正在朗读…</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <source>Voice: {name}</source>
            <translation>语音：{name}</translation>
        </message>
    </context>
    <context>
        <name>OptionCard</name>
        <message>
            <source>✓ Chosen</source>
            <translation>✓ 已选</translation>
        </message>
    </context>
    <context>
        <name>PhoneDialog</name>
        <message>
            <source>Change contact phone</source>
            <translation>修改联系电话</translation>
        </message>
        <message>
            <source>Change the contact phone of {name}</source>
            <translation>修改{name}家庭的联系电话</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>Mobile: 11 digits; landline with area code</source>
            <translation>手机11位；座机请带区号</translation>
        </message>
        <message>
            <source>Applicant's ID number</source>
            <translation>主申请人身份证</translation>
        </message>
        <message>
            <source>Supervisor's approval</source>
            <translation>主管批准</translation>
        </message>
        <message>
            <source>The applicant's resident ID number, typed again</source>
            <translation>再次输入主申请人的身份证号码</translation>
        </message>
        <message>
            <source>Resident ID</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>主管</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Save phone</source>
            <translation>保存新电话</translation>
        </message>
        <message>
            <source>The new number is used for this household's filing and active registrations.</source>
            <translation>新号码将用于本家庭的备案和所有有效登记。</translation>
        </message>
        <message>
            <source>Current phone</source>
            <translation>原电话</translation>
        </message>
        <message>
            <source>New phone</source>
            <translation>新电话</translation>
        </message>
        <message>
            <source>Confirmed by</source>
            <translation>核实方式</translation>
        </message>
    </context>
    <context>
        <name>PlanCard</name>
        <message>
            <source>Registration: {start} to {end}</source>
            <translation>登记时间：{start} 至 {end}</translation>
        </message>
        <message>
            <source>{n} households registered</source>
            <translation>已登记 {n} 户</translation>
        </message>
        <message>
            <source>{n} households registered (centre {at}), {m} more here not yet counted</source>
            <translation>已登记 {n} 户（中心 {at}），另有本机 {m} 户尚未计入</translation>
        </message>
        <message>
            <source>{n} households registered (centre {at})</source>
            <translation>已登记 {n} 户（中心 {at}）</translation>
        </message>
        <message>
            <source>Announcement: {text}</source>
            <translation>公告：{text}</translation>
        </message>
        <message>
            <source>Less ▴</source>
            <translation>收起 ▴</translation>
        </message>
        <message>
            <source>Full announcement ▾</source>
            <translation>展开公告 ▾</translation>
        </message>
    </context>
    <context>
        <name>PlanScreen</name>
        <message>
            <source>Choose a plan</source>
            <translation>选择计划</translation>
        </message>
        <message>
            <source>No plan is open for registration now or soon.</source>
            <translation>目前没有正在登记或即将开始登记的配租计划。</translation>
        </message>
    </context>
    <context>
        <name>PlansScreen</name>
        <message>
            <source>Plans ready to draw</source>
            <translation>可摇号的计划</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Households</source>
            <translation>户数</translation>
        </message>
        <message>
            <source>Pools</source>
            <translation>号池</translation>
        </message>
        <message>
            <source>Draw</source>
            <translation>摇号状态</translation>
        </message>
        <message>
            <source>Unsent</source>
            <translation>未上传</translation>
        </message>
        <message>
            <source>Read again</source>
            <translation>重新读取</translation>
        </message>
        <message>
            <source>Open this plan ›</source>
            <translation>打开此计划 ›</translation>
        </message>
        <message>
            <source>Asking the centre…</source>
            <translation>正在询问中心…</translation>
        </message>
        <message>
            <source>Reading the draw…</source>
            <translation>正在读取摇号记录…</translation>
        </message>
        <message>
            <source>{pool}: {entries} households, {units} units</source>
            <translation>{pool}：{entries} 户，{units} 套</translation>
        </message>
        <message>
            <source>counter {counter}: {n}</source>
            <translation>{counter}号窗口 {n} 笔</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>No plan is ready to draw: a quick plan is drawn after its window closes</source>
            <translation>暂无可摇号的计划：快速配租计划在登记截止后才能摇号</translation>
        </message>
        <message>
            <source>{n} households · {state}</source>
            <translation>{n} 户 · {state}</translation>
        </message>
    </context>
    <context>
        <name>ProjectCard</name>
        <message>
            <source>No unit type is offered in this project.</source>
            <translation>该项目没有可登记的户型。</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>暂无照片</translation>
        </message>
        <message>
            <source>Photo {i}/{n} ›</source>
            <translation>照片 {i}/{n} ›</translation>
        </message>
    </context>
    <context>
        <name>ProjectScreen</name>
        <message>
            <source>Choose a project and a unit type</source>
            <translation>选择项目和户型</translation>
        </message>
    </context>
    <context>
        <name>ProjectionScreen</name>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Registration no.</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Pool</source>
            <translation>号池</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Page {page} of {pages}</source>
            <translation>第 {page} / {pages} 页</translation>
        </message>
        <message>
            <source>No draw is scheduled</source>
            <translation>暂无摇号安排</translation>
        </message>
        <message>
            <source>Today's draws</source>
            <translation>今日摇号安排</translation>
        </message>
        <message>
            <source>{n} households</source>
            <translation>{n} 户</translation>
        </message>
        <message>
            <source>Seed {seed}…</source>
            <translation>种子 {seed}…</translation>
        </message>
        <message>
            <source>Frozen list</source>
            <translation>冻结名单</translation>
        </message>
        <message>
            <source>List SHA-256</source>
            <translation>名单 SHA-256</translation>
        </message>
        <message>
            <source>to be entered</source>
            <translation>待录入</translation>
        </message>
        <message>
            <source>Source {n}</source>
            <translation>随机源 {n}</translation>
        </message>
        <message>
            <source>Seed</source>
            <translation>种子</translation>
        </message>
    </context>
    <context>
        <name>PublishScreen</name>
        <message>
            <source>Publish the result</source>
            <translation>发布摇号结果</translation>
        </message>
        <message>
            <source>Retract this draw…</source>
            <translation>撤销本次摇号…</translation>
        </message>
        <message>
            <source>Public list (PDF)</source>
            <translation>公示名单（PDF）</translation>
        </message>
        <message>
            <source>Public list (CSV)</source>
            <translation>公示名单（CSV）</translation>
        </message>
        <message>
            <source>Publish ›</source>
            <translation>发布 ›</translation>
        </message>
        <message>
            <source>Publishing at the centre…</source>
            <translation>正在中心发布…</translation>
        </message>
        <message>
            <source>Published: counters show each household's result after their next sync</source>
            <translation>已发布：各窗口同步后即可查询每户的摇号结果</translation>
        </message>
        <message>
            <source>Result SHA-256 {hash}</source>
            <translation>结果 SHA-256 {hash}</translation>
        </message>
        <message>
            <source>Public record: {url}</source>
            <translation>公开记录：{url}</translation>
        </message>
        <message>
            <source>Saved: {path}</source>
            <translation>已保存：{path}</translation>
        </message>
    </context>
    <context>
        <name>RecordDialog</name>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Supervisor's user name</source>
            <translation>主管的用户名</translation>
        </message>
        <message>
            <source>Supervisor's password</source>
            <translation>主管的密码</translation>
        </message>
    </context>
    <context>
        <name>RecordsScreen</name>
        <message>
            <source>Registration records</source>
            <translation>登记记录</translation>
        </message>
        <message>
            <source>Scan or type a resident ID, filing number, registration number, or a slip's QR or code</source>
            <translation>扫描或输入身份证号码、备案编号、登记编号，或回执二维码、核验码</translation>
        </message>
        <message>
            <source>Search</source>
            <translation>查询</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Reprint slip</source>
            <translation>补打回执</translation>
        </message>
        <message>
            <source>Cancel registration</source>
            <translation>取消登记</translation>
        </message>
        <message>
            <source>Change phone</source>
            <translation>修改电话</translation>
        </message>
        <message>
            <source>Draw results</source>
            <translation>摇号结果</translation>
        </message>
        <message>
            <source>Selection results</source>
            <translation>选房结果</translation>
        </message>
        <message>
            <source>Export registrations</source>
            <translation>导出登记</translation>
        </message>
        <message>
            <source>{name} · filing {filing_no} · phone {phone} · {n} registration(s)</source>
            <translation>{name} · 备案编号 {filing_no} · 电话 {phone} · 共{n}条登记</translation>
        </message>
        <message>
            <source>No registrations found for {query}</source>
            <translation>没有找到 {query} 的登记记录</translation>
        </message>
        <message>
            <source>Registrations the centre turned down: {n}</source>
            <translation>被中心退回的登记：{n}条</translation>
        </message>
        <message>
            <source>Registration {reg_no} has been cancelled</source>
            <translation>登记 {reg_no} 已取消</translation>
        </message>
        <message>
            <source>Contact phone changed to {phone}</source>
            <translation>联系电话已改为 {phone}</translation>
        </message>
    </context>
    <context>
        <name>RecoveryScreen</name>
        <message>
            <source>This counter cannot work right now</source>
            <translation>本窗口现在不能办理</translation>
        </message>
        <message>
            <source>What the supervisor does:</source>
            <translation>主管处理办法：</translation>
        </message>
        <message>
            <source>Close the program</source>
            <translation>关闭程序</translation>
        </message>
    </context>
    <context>
        <name>RedeclareScreen</name>
        <message>
            <source>Re-declaration</source>
            <translation>重新声明</translation>
        </message>
        <message>
            <source>1. The household's members, residence, housing, income and assets are as when it registered; nothing has changed that bears on its eligibility.
2. A concealed or false statement cancels this selection; a unit chosen is taken back.
3. Units are chosen in draw order; a confirmed choice is final. When the time runs out without a confirmation, the first unit of the wish list still free is chosen automatically.</source>
            <translation>一、本户家庭成员、户籍、住房、收入和财产等情况与登记时一致，未发生影响配租资格的变化。
二、如有隐瞒或虚假申报，取消本次选房资格，已选定的房源予以收回。
三、选房按摇号顺序进行，确认正选后不得更改；选房时间结束未确认的，系统自动选定预选房源中第一套仍可选的房源。</translation>
        </message>
        <message>
            <source>The terms above: I have read them</source>
            <translation>上述条款，我已阅知</translation>
        </message>
        <message>
            <source>Record the re-declaration</source>
            <translation>记录重新声明</translation>
        </message>
    </context>
    <context>
        <name>RegistrationTable</name>
        <message>
            <source>Registration no.</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Project / unit type / unit</source>
            <translation>项目/户型/房源</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Registered at</source>
            <translation>登记时间</translation>
        </message>
        <message>
            <source>Slip</source>
            <translation>回执</translation>
        </message>
        <message>
            <source>Review</source>
            <translation>审核</translation>
        </message>
        <message>
            <source>Not reviewed yet</source>
            <translation>待审核</translation>
        </message>
        <message>
            <source>Printed</source>
            <translation>已打印</translation>
        </message>
        <message>
            <source>Not printed</source>
            <translation>未打印</translation>
        </message>
        <message>
            <source>Awaiting the centre's confirmation</source>
            <translation>待中心确认</translation>
        </message>
        <message>
            <source>At the centre</source>
            <translation>已送达中心</translation>
        </message>
        <message>
            <source>Not yet sent</source>
            <translation>待上传中心</translation>
        </message>
    </context>
    <context>
        <name>ResultLookupScreen</name>
        <message>
            <source>Draw results</source>
            <translation>摇号结果</translation>
        </message>
        <message>
            <source>Scan or type a resident ID, filing number or registration number</source>
            <translation>扫描或输入身份证号码、备案编号或登记编号</translation>
        </message>
        <message>
            <source>Search</source>
            <translation>查询</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Registration no.</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Applicant</source>
            <translation>主申请人</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>摇号序号</translation>
        </message>
        <message>
            <source>Print result notice</source>
            <translation>打印摇号结果通知书</translation>
        </message>
        <message>
            <source>{outcome} (draw retracted: void)</source>
            <translation>{outcome}（该次摇号已撤销，结果作废）</translation>
        </message>
        <message>
            <source>{rank} of {n}</source>
            <translation>第 {rank} 位 / 共 {n} 户</translation>
        </message>
        <message>
            <source>List SHA-256 {hash}</source>
            <translation>名单 SHA-256 {hash}</translation>
        </message>
        <message>
            <source>Seed {seed}</source>
            <translation>种子 {seed}</translation>
        </message>
        <message>
            <source>Retracted: {reason}</source>
            <translation>已撤销：{reason}</translation>
        </message>
    </context>
    <context>
        <name>RetractDialog</name>
        <message>
            <source>Retract the draw</source>
            <translation>撤销摇号</translation>
        </message>
        <message>
            <source>Retract the draw of {plan}? It stays on record with its reason, and a new draw needs new sources.</source>
            <translation>撤销“{plan}”的摇号？撤销记录和原因将保留并公开，重新摇号须使用新的随机源。</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>撤销原因</translation>
        </message>
        <message>
            <source>Second supervisor</source>
            <translation>第二位主管账号</translation>
        </message>
        <message>
            <source>Their password</source>
            <translation>其密码</translation>
        </message>
        <message>
            <source>Retract</source>
            <translation>撤销摇号</translation>
        </message>
        <message>
            <source>Keep the draw</source>
            <translation>不撤销</translation>
        </message>
    </context>
    <context>
        <name>RevealScreen</name>
        <message>
            <source>Reveal the result</source>
            <translation>逐页揭晓结果</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Registration no.</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Pool</source>
            <translation>号池</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>All at once</source>
            <translation>全部揭晓</translation>
        </message>
        <message>
            <source>‹ Previous page</source>
            <translation>‹ 上一页</translation>
        </message>
        <message>
            <source>Next page ›</source>
            <translation>下一页 ›</translation>
        </message>
        <message>
            <source>The hall shows page {page} of {pages}: {revealed} of {total} revealed</source>
            <translation>大屏正在显示第 {page} / {pages} 页：已揭晓 {revealed} / {total} 户</translation>
        </message>
        <message>
            <source>Reveal the next page ›</source>
            <translation>揭晓下一页 ›</translation>
        </message>
        <message>
            <source>Go on to publish ›</source>
            <translation>去发布结果 ›</translation>
        </message>
    </context>
    <context>
        <name>ReviewScreen</name>
        <message>
            <source>Check everything, then confirm</source>
            <translation>核对登记信息，无误后确认</translation>
        </message>
        <message>
            <source>Slip preview</source>
            <translation>回执预览</translation>
        </message>
        <message>
            <source>Registering…</source>
            <translation>正在登记…</translation>
        </message>
        <message>
            <source>Confirm registration</source>
            <translation>确认登记</translation>
        </message>
        <message>
            <source>Asking the centre for this unit…</source>
            <translation>正在向中心确认房源…</translation>
        </message>
        <message>
            <source>Registration {reg_no} saved</source>
            <translation>登记 {reg_no} 已保存</translation>
        </message>
        <message>
            <source>read aloud</source>
            <translation>已宣读</translation>
        </message>
        <message>
            <source>read by the applicant</source>
            <translation>本人阅读</translation>
        </message>
        <message>
            <source>Household</source>
            <translation>申请家庭</translation>
        </message>
        <message>
            <source>Applicant</source>
            <translation>主申请人</translation>
        </message>
        <message>
            <source>Filing number</source>
            <translation>备案编号</translation>
        </message>
        <message>
            <source>Resident ID</source>
            <translation>身份证号</translation>
        </message>
        <message>
            <source>Family</source>
            <translation>家庭</translation>
        </message>
        <message>
            <source>{n} person(s), {district}</source>
            <translation>{n}人 · {district}</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>联系电话</translation>
        </message>
        <message>
            <source>Registering for</source>
            <translation>登记内容</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>配租计划</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Unit type</source>
            <translation>户型</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>房源</translation>
        </message>
        <message>
            <source>Record</source>
            <translation>登记信息</translation>
        </message>
        <message>
            <source>Notice</source>
            <translation>告知书</translation>
        </message>
        <message>
            <source>version {n}, {how}</source>
            <translation>第{n}版 · {how}</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>经办</translation>
        </message>
        <message>
            <source>{counter}, {operator}</source>
            <translation>{counter}号窗口 · {operator}</translation>
        </message>
    </context>
    <context>
        <name>Roles</name>
        <message>
            <source>Supervisor</source>
            <translation>主管</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>办事员</translation>
        </message>
        <message>
            <source>{name} ({role})</source>
            <translation>{name}（{role}）</translation>
        </message>
    </context>
    <context>
        <name>Screen</name>
        <message>
            <source>Next ›</source>
            <translation>下一步 ›</translation>
        </message>
    </context>
    <context>
        <name>SelectionCounter</name>
        <message>
            <source>Hall: calling</source>
            <translation>大屏叫号</translation>
        </message>
        <message>
            <source>Hall: unit board</source>
            <translation>大屏播报</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>The centre cannot be reached</source>
            <translation>连接不上中心</translation>
        </message>
        <message>
            <source>Not connected to the centre: {why}</source>
            <translation>未连接中心：{why}</translation>
        </message>
        <message>
            <source>Connected to the centre</source>
            <translation>已连接中心</translation>
        </message>
    </context>
    <context>
        <name>SelectionResultsScreen</name>
        <message>
            <source>Selection results</source>
            <translation>选房结果</translation>
        </message>
        <message>
            <source>Scan or type a resident ID, filing number or registration number</source>
            <translation>扫描或输入身份证号码、备案编号或登记编号</translation>
        </message>
        <message>
            <source>Search</source>
            <translation>查询</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Registration no.</source>
            <translation>登记编号</translation>
        </message>
        <message>
            <source>Household</source>
            <translation>申请家庭</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>房源</translation>
        </message>
        <message>
            <source>Area / rent</source>
            <translation>面积 / 月租金</translation>
        </message>
        <message>
            <source>Chosen</source>
            <translation>选定时间 / 方式</translation>
        </message>
        <message>
            <source>Print the selection result sheet</source>
            <translation>打印选房确认书</translation>
        </message>
        <message>
            <source>{area} m²
{rent} a month</source>
            <translation>{area} 平方米
月租金 {rent} 元</translation>
        </message>
        <message>
            <source>Chosen at another counter: the sheet came from the centre and is kept here now</source>
            <translation>该家庭在其他窗口选房：选房确认书已从中心取回，本机已保存</translation>
        </message>
        <message>
            <source>No selection result sheet of this household is kept at this counter, and the centre cannot be reached to fetch it
→ Try again once the counter is online, or reprint it at the counter where the household chose</source>
            <translation>本机没有该家庭的选房确认书，且连接不上中心，无法取回
→ 恢复联网后再查，或到该家庭选房的窗口重印</translation>
        </message>
        <message>
            <source>by the centre</source>
            <translation>中心自动选定</translation>
        </message>
        <message>
            <source>counter {n}</source>
            <translation>{n} 号窗口</translation>
        </message>
        <message>
            <source>Filing no. {filing_no} · orientation {orientation} · operator {operator}</source>
            <translation>备案编号 {filing_no} · 朝向 {orientation} · 经办人 {operator}</translation>
        </message>
        <message>
            <source>Checked at {url}</source>
            <translation>核验网址 {url}</translation>
        </message>
    </context>
    <context>
        <name>SlipVerdict</name>
        <message>
            <source>Slip check: {verdict}</source>
            <translation>回执核验：{verdict}</translation>
        </message>
    </context>
    <context>
        <name>SourcesScreen</name>
        <message>
            <source>Enter the sources twice</source>
            <translation>两人分别录入随机源</translation>
        </message>
        <message>
            <source>Two people type each value, one after the other; the first entry is hidden once typed.</source>
            <translation>两人先后各录入一遍；第一人录入后内容即隐藏。</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>随机源</translation>
        </message>
        <message>
            <source>First person</source>
            <translation>第一人录入</translation>
        </message>
        <message>
            <source>Second person</source>
            <translation>第二人录入</translation>
        </message>
        <message>
            <source>Compare and commit ›</source>
            <translation>核对并提交 ›</translation>
        </message>
        <message>
            <source>About {bits:.1f} bits entered; {n} more digit(s) needed</source>
            <translation>已录入约 {bits:.1f} 比特，还差 {n} 位数字</translation>
        </message>
        <message>
            <source>About {bits:.1f} bits entered (the draw needs {min})</source>
            <translation>已录入约 {bits:.1f} 比特（摇号至少需要 {min}）</translation>
        </message>
        <message>
            <source>Committing the sources at the centre…</source>
            <translation>正在向中心提交随机源…</translation>
        </message>
    </context>
    <context>
        <name>SyncBar</name>
        <message>
            <source>Sync now</source>
            <translation>立即同步</translation>
        </message>
        <message>
            <source>Working on its own (no central service set)</source>
            <translation>本机独立运行（未配置中心服务）</translation>
        </message>
        <message>
            <source>● This counter's device is disabled by the centre: registrations are kept here</source>
            <translation>● 本窗口设备已被中心停用，登记暂存本机</translation>
        </message>
        <message>
            <source>● Online</source>
            <translation>● 在线</translation>
        </message>
        <message>
            <source>● Offline: registrations are kept here and sent later</source>
            <translation>● 离线：登记先存本机，联网后自动上传</translation>
        </message>
        <message>
            <source>Last sync {time}</source>
            <translation>上次同步 {time}</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>Not yet sent: {n}</source>
            <translation>待上传 {n} 笔</translation>
        </message>
        <message>
            <source>Turned down by the centre: {n}</source>
            <translation>被中心退回 {n} 笔</translation>
        </message>
        <message>
            <source>Syncing</source>
            <translation>同步中</translation>
        </message>
    </context>
    <context>
        <name>UnitFilters</name>
        <message>
            <source>Building</source>
            <translation>楼栋</translation>
        </message>
        <message>
            <source>Building {name}</source>
            <translation>{name}栋</translation>
        </message>
        <message>
            <source>Unit type</source>
            <translation>户型</translation>
        </message>
        <message>
            <source>Orientation</source>
            <translation>朝向</translation>
        </message>
        <message>
            <source>Floor</source>
            <translation>楼层</translation>
        </message>
        <message>
            <source>{floor}F</source>
            <translation>{floor}层</translation>
        </message>
        <message>
            <source>{filter}: all</source>
            <translation>{filter}：全部</translation>
        </message>
    </context>
    <context>
        <name>UnitScreen</name>
        <message>
            <source>Choose a unit</source>
            <translation>选择房源</translation>
        </message>
        <message>
            <source>Only units that can be chosen</source>
            <translation>只看可选</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Unit type</source>
            <translation>户型</translation>
        </message>
        <message>
            <source>Floor</source>
            <translation>楼层</translation>
        </message>
        <message>
            <source>Facing</source>
            <translation>朝向</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>房源</translation>
        </message>
        <message>
            <source>Area</source>
            <translation>面积</translation>
        </message>
        <message>
            <source>Rent</source>
            <translation>月租金</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>{n}F</source>
            <translation>{n}层</translation>
        </message>
        <message>
            <source>Can be chosen</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>{n} units, {free} can be chosen</source>
            <translation>共 {n} 套，可选 {free} 套</translation>
        </message>
    </context>
    <context>
        <name>UnitTypeRow</name>
        <message>
            <source>{n} units</source>
            <translation>共{n}套</translation>
        </message>
    </context>
    <context>
        <name>WishScreen</name>
        <message>
            <source>Orientation</source>
            <translation>朝向</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>房源</translation>
        </message>
        <message>
            <source>Area</source>
            <translation>面积</translation>
        </message>
        <message>
            <source>Rent</source>
            <translation>月租金</translation>
        </message>
        <message>
            <source>Add to the list</source>
            <translation>加入预选</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Up</source>
            <translation>上移</translation>
        </message>
        <message>
            <source>Down</source>
            <translation>下移</translation>
        </message>
        <message>
            <source>To the top</source>
            <translation>置顶</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Free units of the household's pool</source>
            <translation>可选房源</translation>
        </message>
        <message>
            <source>Units chosen by households before this one: delete them and add others</source>
            <translation>已被在您选房排位之前的家庭选定的住房，您可以将其删除，预选其他可选房源</translation>
        </message>
        <message>
            <source>Household declines</source>
            <translation>家庭放弃选房</translation>
        </message>
        <message>
            <source>Confirm this unit (final)</source>
            <translation>确认正选（不可更改）</translation>
        </message>
        <message>
            <source>Free</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>Chosen by another</source>
            <translation>已被选定</translation>
        </message>
        <message>
            <source>Wish list ({n} of {max})</source>
            <translation>预选房源（{n}/{max}）</translation>
        </message>
        <message>
            <source>Check the result with the centre</source>
            <translation>向中心核对结果</translation>
        </message>
        <message>
            <source>The household gave up selection at the counter</source>
            <translation>家庭在窗口主动放弃选房</translation>
        </message>
        <message>
            <source>Record that the household gives up its selection? It may not apply for supplementary selection.</source>
            <translation>确认记录该家庭放弃选房？放弃后不能申请补选。</translation>
        </message>
    </context>
    <context>
        <name>Workflow</name>
        <message>
            <source>Records</source>
            <translation>登记记录</translation>
        </message>
        <message>
            <source>Registration</source>
            <translation>登记</translation>
        </message>
        <message>
            <source>Next household</source>
            <translation>下一户</translation>
        </message>
        <message>
            <source>Lottery console</source>
            <translation>摇号控制台</translation>
        </message>
        <message>
            <source>Draw results</source>
            <translation>摇号结果</translation>
        </message>
        <message>
            <source>Unit selection</source>
            <translation>选房</translation>
        </message>
        <message>
            <source>Selection results</source>
            <translation>选房结果</translation>
        </message>
    </context>
</TS>
