// The words of the working screens (designer, approval inbox, call list): Chinese first, English as a switch.
// Kept apart from messages.ts so each screen's texts sit together; merged into the one message table there.

const zhCN = {
  nav: { designer: '活动设计', inbox: '审批', callList: '联系清单', followUp: '执行跟踪', calendar: '活动日历' },
  designer: {
    title: '设计营销活动', campaignId: '活动编号', name: '活动名称', objective: '活动目标', owner: '主办机构', products: '产品', channels: '渠道', period: '活动期间',
    start: '开始', end: '结束', budget: '预算（元）', controlPercent: '对照组比例（%）', targetConversions: '目标转化数', targetRevenue: '目标收入（元）',
    audience: '目标客户筛选', tiers: '客户等级', segments: '客户细分', units: '机构（含下级）', ageMin: '年龄下限', ageMax: '年龄上限', holdsAny: '持有任一产品', holdsNone: '不持有以下产品',
    consentAll: '须同意所有所选渠道', suitableOnly: '仅限风险承受能力适配的客户', dormantMonths: '休眠月数（无交易）', excludeCap: '排除已达联系上限的客户', excludeOverlap: '排除参加重叠活动的客户',
    costPerCustomer: '每位客户成本（元）', costPerCustomerHint: '留空则按预算全额估算',
    baselineSource: { request: '基准转化率：手工填写', past_control_groups: '基准转化率：来自 {campaigns} 个往期活动的对照组（{customers} 人）', platform_default: '基准转化率：平台默认值（暂无往期活动数据）' },
    baseline: '基准转化率', planDocument: '活动方案文件', planUpload: '选择并上传方案文件', planHint: 'PDF 或 Office（.pdf .doc .docx .xls .xlsx .ppt .pptx），先保存草稿', uploading: '正在上传…', uploaded: '已上传', launch: '批准后启动', launched: '已启动：目标客户 {size} 人，其中对照组 {control} 人', saveDraft: '保存草稿', submit: '提交审批', saved: '草稿已保存', submitted: '已提交审批，等待上级机构审批',
    preview: '实时预览', size: '目标客户数', excluded: '排除客户', byUnit: '按机构', byTier: '按等级', included: '纳入', excludedN: '排除', split: '实验组 / 对照组',
    cost: '预计成本', remaining: '剩余预算', overBudget: '超出剩余预算', withinBudget: '在剩余预算内', mdl: '最小可检测提升', mdlHint: '95% 置信度、80% 检验力，基准转化率 {rate}',
    mdlNone: '对照组或实验组为空，无法证明效果', previewing: '正在计算…', add: '输入后回车',
    reasons: { DATA_ERASED: '数据已删除', OPTED_OUT: '已退订', NOT_SUITABLE: '风险不适配', CONTACT_LIMIT_REACHED: '已达联系上限', IN_ANOTHER_CONTROL_GROUP: '在其他活动对照组', IN_OVERLAPPING_CAMPAIGN: '在重叠活动中' },
  },
  tiers: { ordinary: '普通', standard: '标准', platinum: '白金', black: '黑金' },
  channels: { phone: '电话', sms: '短信', app: '手机银行', branch: '网点', email: '邮件' },
  inbox: {
    waiting: '待我审批', mine: '我的申请', kind: '类型', request: '申请', unit: '机构', requestedBy: '申请人', requestedAt: '申请时间', facts: '要点', status: '状态', decidedBy: '审批人', reason: '理由',
    approve: '批准', reject: '驳回', approved: '已批准', rejected: '已驳回', empty: '没有待审批的申请',
    kinds: { campaign: '营销活动', special_vip_card: '特殊贵宾卡', budget_change: '预算调整', customer_claim: '客户认领', transfer: '跨分行客户调配' },
    statuses: { pending: '待审批', approved: '已批准', rejected: '已驳回', withdrawn: '已撤回' },
  },
  notifications: {
    title: '通知', empty: '没有通知', markRead: '标为已读', markAllRead: '全部标为已读', open: '打开客户页面', unread: '未读',
    previous_manager: '客户 {customer} 已调出：由 {from} 调至 {to}', new_manager: '客户 {customer} 已调入您名下：由 {from} 调至 {to}',
    noManager: '（无客户经理）', decided: '{time} · 办理人 {by}', crossBranch: '跨分行',
  },
  callList: {
    campaign: '活动', until: '截止 {date}', customer: '客户', channels: '可联系渠道', contact: '记录联系', sale: '记录销售', contacted: '已记录联系', sold: '已记录销售',
    product: '产品', amount: '金额（元）', revenue: '收入（元）', notNow: '现在不可联系', maintenance: '本月待维护客户', complaints: '待答复投诉', lastContact: '上次联系', dueBy: '答复期限', overdue: '已逾期', none: '今天没有需要联系的客户',
  },
  calendar: {
    title: '各机构活动日历', zone: '按银行时区（{zone}）显示', campaign: '活动', period: '活动期间', status: '状态', enrolled: '纳入客户',
    overlaps: '重叠活动', pair: '两个活动', together: '重叠期间', sharedCustomers: '共同客户', shared: '共同客户 {n} 人', noOverlaps: '所选期间没有重叠的活动',
  },
  followUp: { csv: '下载参与客户（CSV）', participants: '参与客户', contacted: '已接触', target: '目标', reaction: '客户反馈', rating: '平均评分', complaintRate: '投诉率', checks: '每 10 天检查', at: '检查时间', elapsed: '期间已过', planCarriedOut: '方案是否执行', onTrack: '转化是否达标', yes: '是', no: '否',
    revenueOnTrack: '收入是否达标', reactionLine: '客户反馈 {feedback} 条 · 平均评分 {rating} · 投诉 {complaints} 起 · 投诉率 {rate}',
    recordCost: '记录成本', amount: '金额（元）', customerOptional: '客户号（可不填）', description: '说明', costRecorded: '已记录成本',
    recordFeedback: '记录反馈', ratingField: '评分（1–5，可不填）', comment: '意见', feedbackRecorded: '已记录反馈',
    complete: '结束活动', completeHint: '未分摊的成本按参与客户分摊，剩余预算退回本机构，并按成本份额扣减参与客户积分', completed: '活动已结束',
    budgetRequest: '申请调整预算', budgetRequestHint: '（{unit}，由上级机构审批，结果见“审批 › 我的申请”）', requestId: '申请编号', year: '年度', newBudget: '申请的预算（元）', requestBudget: '提交申请', budgetRequested: '预算调整申请 {id} 已提交，等待上级机构审批' },
  fieldErrors: {
    NAME_REQUIRED: '请填写活动名称', PRODUCTS_REQUIRED: '请至少选择一个产品', CHANNELS_REQUIRED: '请至少选择一个渠道', INVALID_CHANNEL: '渠道无效', INVALID_TIER: '客户等级无效',
    INVALID_AMOUNT: '金额无效', INVALID_PERIOD: '活动期间无效（结束须晚于开始）', INVALID_CONTROL_GROUP: '对照组比例须在 0 到 50 之间', INVALID_AGE_BAND: '年龄区间无效（0–130 整岁，下限不大于上限）',
    INVALID_DORMANCY: '休眠月数须为 1 到 120 的整数', OUTSIDE_SCOPE: '超出您的机构范围', PLAN_DOCUMENT_REQUIRED: '提交审批须附活动方案文件', REASON_REQUIRED: '驳回须说明理由',
    ALREADY_EXISTS: '该活动编号已存在', UNKNOWN_PRODUCT: '没有该产品', FOUR_EYES: '起草或提交人不能审批自己的活动', CONTACT_LIMIT_REACHED: '已达联系上限', OPTED_OUT: '客户已退订该渠道',
    DOCUMENT_TOO_LARGE: '方案文件超过大小上限', DOCUMENT_TYPE_NOT_ALLOWED: '方案文件须为 PDF 或 Office 文件（按文件内容识别，不看文件名）', INVALID_FILE_NAME: '文件名无效',
    UNKNOWN_PLAN_DOCUMENT: '请先上传活动方案文件', PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN: '该方案文件属于其他活动', CAMPAIGN_PERIOD_OVER: '活动期间已结束', CAMPAIGN_NOT_STARTED: '活动期间尚未开始',
    BUDGET_EXCEEDED: '超出本机构剩余预算', EMPTY_AUDIENCE: '没有符合条件的目标客户', INVALID_CAMPAIGN_STATE: '活动当前状态不允许此操作',
    NOT_A_VIP_TIER: '贵宾卡等级须为标准、白金或黑金', REAPPLY_TOO_SOON: '贵宾卡注销后一年内不能再申请', APPLICATION_PENDING: '该客户已有未完成的贵宾卡申请', CARD_ALREADY_HELD: '客户已持有贵宾卡',
    CUSTOMER_ALREADY_IN_SYSTEM: '客户已在系统中，由所属支行分配客户经理', CLAIM_PENDING: '该客户已有待审批的认领', STAFF_NOT_IN_UNIT: '客户将归属资产最多的支行，您不在该支行',
    NOT_A_SUB_BRANCH: '客户资产须记在支行', NO_HOME_UNIT: '请填写持有客户资产的支行', UNKNOWN_UNIT: '没有该机构',
    NOT_CROSS_BRANCH: '该客户经理在客户所在分行：分行内调配由分行直接办理', TRANSFER_REQUEST_PENDING: '该客户已有待审批的调配申请', UNKNOWN_STAFF: '没有该员工', NOT_A_MANAGER: '调入人须为客户经理', TRANSFER_NOT_ALLOWED: '跨分行调配由总行办理，分行内调配由分行办理',
  } as Record<string, string>,
};

type Messages = typeof zhCN;

const en: Messages = {
  nav: { designer: 'Design', inbox: 'Approvals', callList: 'Call list', followUp: 'Follow-up', calendar: 'Calendar' },
  designer: {
    title: 'Design a campaign', campaignId: 'Campaign id', name: 'Name', objective: 'Objective', owner: 'Owning unit', products: 'Products', channels: 'Channels', period: 'Period',
    start: 'Start', end: 'End', budget: 'Budget (CNY)', controlPercent: 'Control group (%)', targetConversions: 'Target conversions', targetRevenue: 'Target revenue (CNY)',
    audience: 'Audience', tiers: 'Tiers', segments: 'Segments', units: 'Units (with their subtree)', ageMin: 'Age from', ageMax: 'Age to', holdsAny: 'Holds any of', holdsNone: 'Holds none of',
    consentAll: 'Consent to every chosen channel', suitableOnly: 'Suitable customers only (risk tolerance)', dormantMonths: 'Dormant for months (no transaction)', excludeCap: 'Leave out customers at their contact cap', excludeOverlap: 'Leave out customers in overlapping campaigns',
    costPerCustomer: 'Cost per customer (CNY)', costPerCustomerHint: 'empty: the whole budget is the expected cost',
    baselineSource: { request: 'Baseline rate: entered by hand', past_control_groups: 'Baseline rate: from the control groups of {campaigns} past campaigns ({customers} customers)', platform_default: 'Baseline rate: platform default (no past campaigns yet)' },
    baseline: 'Baseline conversion rate', planDocument: 'Plan document', planUpload: 'Choose and upload the plan', planHint: 'PDF or Office (.pdf .doc .docx .xls .xlsx .ppt .pptx); save the draft first', uploading: 'Uploading…', uploaded: 'Uploaded', launch: 'Launch once approved', launched: 'Launched: {size} customers, {control} of them in the control group', saveDraft: 'Save draft', submit: 'Submit for approval', saved: 'Draft saved', submitted: 'Submitted: awaiting the superior unit\'s approval',
    preview: 'Live preview', size: 'Audience size', excluded: 'Excluded', byUnit: 'By unit', byTier: 'By tier', included: 'included', excludedN: 'excluded', split: 'Treatment / control',
    cost: 'Expected cost', remaining: 'Remaining budget', overBudget: 'over the remaining budget', withinBudget: 'within the remaining budget', mdl: 'Minimum detectable lift', mdlHint: '95% confidence, 80% power, baseline rate {rate}',
    mdlNone: 'No control or no treatment group: nothing can be proved', previewing: 'Working…', add: 'type and press Enter',
    reasons: { DATA_ERASED: 'data erased', OPTED_OUT: 'opted out', NOT_SUITABLE: 'not suitable', CONTACT_LIMIT_REACHED: 'contact cap reached', IN_ANOTHER_CONTROL_GROUP: 'in another control group', IN_OVERLAPPING_CAMPAIGN: 'in an overlapping campaign' },
  },
  tiers: { ordinary: 'ordinary', standard: 'standard', platinum: 'platinum', black: 'black' },
  channels: { phone: 'phone', sms: 'SMS', app: 'app', branch: 'branch', email: 'email' },
  inbox: {
    waiting: 'Waiting for me', mine: 'My requests', kind: 'Kind', request: 'Request', unit: 'Unit', requestedBy: 'Requested by', requestedAt: 'Requested at', facts: 'Facts', status: 'Status', decidedBy: 'Decided by', reason: 'Reason',
    approve: 'Approve', reject: 'Reject', approved: 'Approved', rejected: 'Rejected', empty: 'Nothing waiting',
    kinds: { campaign: 'campaign', special_vip_card: 'special VIP card', budget_change: 'budget change', customer_claim: 'customer claim', transfer: 'cross-branch transfer' },
    statuses: { pending: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'withdrawn' },
  },
  notifications: {
    title: 'Notifications', empty: 'No notifications', markRead: 'Mark read', markAllRead: 'Mark all read', open: 'Open the customer page', unread: 'unread',
    previous_manager: 'Customer {customer} moved away: from {from} to {to}', new_manager: 'Customer {customer} is now yours: from {from} to {to}',
    noManager: '(no manager)', decided: '{time} · decided by {by}', crossBranch: 'across branches',
  },
  callList: {
    campaign: 'Campaign', until: 'until {date}', customer: 'Customer', channels: 'Channels now', contact: 'Record contact', sale: 'Record sale', contacted: 'Contact recorded', sold: 'Sale recorded',
    product: 'Product', amount: 'Amount (CNY)', revenue: 'Revenue (CNY)', notNow: 'not contactable now', maintenance: 'Maintenance calls due this month', complaints: 'Complaints to answer', lastContact: 'Last contact', dueBy: 'Answer by', overdue: 'overdue', none: 'Nobody to contact today',
  },
  calendar: {
    title: 'Campaign calendar by unit', zone: 'in the bank\'s time zone ({zone})', campaign: 'Campaign', period: 'Period', status: 'Status', enrolled: 'Enrolled',
    overlaps: 'Overlapping campaigns', pair: 'Campaigns', together: 'Overlap', sharedCustomers: 'Shared customers', shared: '{n} shared customers', noOverlaps: 'No overlapping campaigns in this range',
  },
  followUp: { csv: 'Download participants (CSV)', participants: 'Participants', contacted: 'contacted', target: 'target', reaction: 'Feedback', rating: 'average rating', complaintRate: 'complaint rate', checks: 'Every-10-days check', at: 'Checked at', elapsed: 'Period gone', planCarriedOut: 'Plan carried out', onTrack: 'Conversions on course', yes: 'yes', no: 'no',
    revenueOnTrack: 'Revenue on course', reactionLine: '{feedback} feedback · average rating {rating} · {complaints} complaints · complaint rate {rate}',
    recordCost: 'Record a cost', amount: 'Amount (CNY)', customerOptional: 'Customer id (optional)', description: 'Description', costRecorded: 'Cost recorded',
    recordFeedback: 'Record feedback', ratingField: 'Rating (1–5, optional)', comment: 'Comment', feedbackRecorded: 'Feedback recorded',
    complete: 'Complete the campaign', completeHint: 'Unassigned costs are split over the participants, the unspent budget goes back to the unit, participants\' points are deducted by their cost share', completed: 'Campaign completed',
    budgetRequest: 'Request a budget change', budgetRequestHint: '({unit}; the superior unit decides; the outcome is in Approvals › My requests)', requestId: 'Request id', year: 'Year', newBudget: 'Budget asked for (CNY)', requestBudget: 'File the request', budgetRequested: 'Budget change request {id} filed: awaiting the superior unit' },
  fieldErrors: {
    NAME_REQUIRED: 'Give the campaign a name', PRODUCTS_REQUIRED: 'Choose at least one product', CHANNELS_REQUIRED: 'Choose at least one channel', INVALID_CHANNEL: 'Unknown channel', INVALID_TIER: 'Unknown tier',
    INVALID_AMOUNT: 'Invalid amount', INVALID_PERIOD: 'Invalid period (the end comes after the start)', INVALID_CONTROL_GROUP: 'The control group is 0 to 50 percent', INVALID_AGE_BAND: 'Invalid age band (whole years 0–130, from at most to)',
    INVALID_DORMANCY: 'Dormancy is 1 to 120 whole months', OUTSIDE_SCOPE: 'Outside your unit', PLAN_DOCUMENT_REQUIRED: 'A campaign is submitted with its plan document', REASON_REQUIRED: 'A rejection gives its reason',
    ALREADY_EXISTS: 'This campaign id is taken', UNKNOWN_PRODUCT: 'No such product', FOUR_EYES: 'Whoever drafted or submitted a campaign may not approve it', CONTACT_LIMIT_REACHED: 'Contact cap reached', OPTED_OUT: 'The customer opted out of this channel',
    DOCUMENT_TOO_LARGE: 'The plan document is over the size limit', DOCUMENT_TYPE_NOT_ALLOWED: 'The plan document must be a PDF or an Office file (told by its content, not its name)', INVALID_FILE_NAME: 'Invalid file name',
    UNKNOWN_PLAN_DOCUMENT: 'Upload the plan document first', PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN: 'That plan document belongs to another campaign', CAMPAIGN_PERIOD_OVER: 'The campaign period is over', CAMPAIGN_NOT_STARTED: 'The campaign period has not begun',
    BUDGET_EXCEEDED: 'Over the unit\'s remaining budget', EMPTY_AUDIENCE: 'No customer matches the audience rule', INVALID_CAMPAIGN_STATE: 'Not possible in the campaign\'s current state',
    NOT_A_VIP_TIER: 'A VIP card is standard, platinum or black', REAPPLY_TOO_SOON: 'No new card within a year of a cancelled one', APPLICATION_PENDING: 'The customer has an application still open', CARD_ALREADY_HELD: 'The customer holds a card already',
    CUSTOMER_ALREADY_IN_SYSTEM: 'The customer is in the system: their sub-branch assigns a manager', CLAIM_PENDING: 'A claim on this customer is waiting', STAFF_NOT_IN_UNIT: 'The customer joins the sub-branch holding most of their assets, and you do not work there',
    NOT_A_SUB_BRANCH: 'Assets are held by sub-branches', NO_HOME_UNIT: 'Name the sub-branch holding the customer\'s assets', UNKNOWN_UNIT: 'No such unit',
    NOT_CROSS_BRANCH: 'That manager works in the customer\'s own branch: the branch transfers the customer directly', TRANSFER_REQUEST_PENDING: 'A transfer request for this customer is waiting', UNKNOWN_STAFF: 'No such staff member', NOT_A_MANAGER: 'The customer goes to a relationship manager', TRANSFER_NOT_ALLOWED: 'Across branches head office transfers, inside a branch the branch',
  },
};

export const screenMessages = { 'zh-CN': zhCN, en };
