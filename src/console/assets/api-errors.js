// What only the API can catch, said next to the field in the console's language: the API's 400 names
// the field and says why in English ("prizes[1].id: duplicates again"), its 409 says why an action
// cannot be done (the id exists, the scope overlaps a live campaign, the campaign has ended, the shop
// exists, the batch is packed). Each reason the console's forms and actions can meet is written here in
// Chinese and English; one this list does not know keeps the API's words behind a Chinese lead-in, so
// nothing is ever hidden.

/** [the API's reason, as it words it] -> the console's words; `m` is the match */
const REASONS = [
  [/^duplicates (.+)$/, (m) => `编号 ${m[1]} 重复，每个奖品须有不同编号 The id ${m[1]} is used twice`],
  [/^(.+) is a reserved name$/, (m) => `${m[1]} 是保留名称，请换一个 ${m[1]} is a reserved name`],
  [/^keys must be levels 0-9$/, () => '等级须为 0 到 9 Levels are 0 to 9'],
  [/^must be a number above 0, at most 1000$/, () => '倍数须大于 0 且不超过 1000 A factor above 0, at most 1000'],
  [/^must have at most 6 decimals$/, () => '概率最多 4 位小数（百分比） At most 4 decimals (in %)'],
  [/^must be an integer from (\d+) to (\d+)$/, (m) => `须为 ${m[1]} 到 ${m[2]} 之间的整数 A whole number from ${m[1]} to ${m[2]}`],
  [/^must be a number from (\S+) to (\S+)$/, (m) => `须为 ${m[1]} 到 ${m[2]} 之间的数 A number from ${m[1]} to ${m[2]}`],
  [/^is required for (\w+) prizes$/, () => '此类奖品须填写数额 This kind of prize needs an amount'],
  [/^is required$/, () => '必填 Required'],
  [/^needs an amount$/, () => '设置预算须先填写金额 A budget needs an amount'],
  [/^must be after startsAt$/, () => '结束须晚于开始 Must end after it starts'],
  [/^is not a known IANA time zone$/, () => '未知时区 Unknown time zone'],
  [/^is not a valid date(-time)?$/, () => '日期无效 Not a valid date'],
  [/^must be an https URL/, () => '须为 https:// 开头的链接 An https:// address'],
  [/^must name at least one sku or batchId$/, () => '至少填写一个 SKU 或批次号 Name at least one SKU or batch'],
  [/^probabilities for (\w+) sum to more than 1$/, () => '各奖品概率之和不能超过 100% The probabilities add up to more than 100%'],
  [/^applies to gift and coupon prizes/, () => '仅实物奖品和优惠券可设兑奖截止日 Only gifts and coupons have a redeem-by date'],
  [/^cannot be changed$/, () => '不能修改 Cannot be changed'],
  [/^must be one of (.+)$/, (m) => `须为以下之一：${m[1]} One of ${m[1]}`],
  [/^names set (.+), which "sets" does not define$/, (m) => `套卡 ${m[1]} 尚无集齐奖品（在活动的 sets 中设置）The set ${m[1]} has no prize: define it in "sets"`],
];

/** 409s the console's forms and actions can get, each with the field it is about (null: the whole form) */
const CONFLICTS = [
  [/^campaign (.+) exists$/, 'id', (m) => `活动编号 ${m[1]} 已存在，请换一个 A campaign ${m[1]} exists already`],
  [/^scope overlaps live campaign (.+)$/, 'skus', (m) => `与进行中的活动 ${m[1]} 覆盖的码重叠 Overlaps the live campaign ${m[1]}`],
  [/is no longer a draft$/, null, () => '此活动已发布，不能再按草稿编辑 Published already: no longer a draft'],
  [/^another campaign is being created or changed/, null, () => '另一个活动正在保存，请稍后重试 Another campaign is being saved: try again'],
  [/^campaign (.+) has ended$/, null, (m) => `活动 ${m[1]} 已结束，不能再更改 The campaign ${m[1]} has ended: it cannot change`],
  [/^campaign (.+) is a draft: try again$/, null, (m) => `活动 ${m[1]} 仍是草稿，请稍后重试 ${m[1]} is still a draft: try again`],
  [/^shop (.+) exists$/, 'id', (m) => `门店编号 ${m[1]} 已存在，请换一个 A shop ${m[1]} exists already`],
  [/^batch (\d+) is already packed in box batch (\d+)$/, 'itemBatch', (m) => `批次 #${m[1]} 已装入箱码批次 #${m[2]} Batch #${m[1]} is packed in box batch #${m[2]} already`],
  [/^batch (\d+) is void$/, null, (m) => `批次 #${m[1]} 已作废，不能再激活 Batch #${m[1]} is void: it cannot be activated`],
];

const reasonOf = (message, field) => (field !== null && message.startsWith(`${field}:`) ? message.slice(field.length + 1).trim() : message);

/** the console's message for an API error, or null when it is not about one field */
export function fieldError(err) {
  if (err.field) {
    const why = reasonOf(err.message, err.field);
    for (const [re, say] of REASONS) {
      const m = re.exec(why);
      if (m) return { field: err.field, message: say(m) };
    }
    return { field: err.field, message: `服务器未接受此项：${why}` };
  }
  return null;
}

/**
 * the console's words for a 409 (with the field it is about, when there is one), or null when it is no
 * 409; one this list does not know keeps the API's words behind a Chinese lead-in
 */
export function conflictError(err) {
  if (err.status !== 409) return null;
  for (const [re, field, say] of CONFLICTS) {
    const m = re.exec(err.message);
    if (m) return { field, message: say(m) };
  }
  return { field: null, message: `与当前状态冲突，未执行：${err.message}` };
}

/** an error of an action as the console says it: a 409 or a field's 400 in its words, anything else as the API or the browser said it */
export function said(err) {
  const c = conflictError(err) ?? fieldError(err);
  return c ? new Error(c.message) : err;
}
