//! The report's words in Chinese and English. Data (community, street,
//! department names, item labels from the questionnaire) is not here.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// (key, zh, en)
const WORDS: &[(&str, &str, &str)] = &[
    (
        "title",
        "居民满意度测评报告",
        "Resident satisfaction report",
    ),
    ("summary", "总表", "Summary"),
    ("street_ranking", "街道排名", "Street ranking"),
    ("community_ranking", "社区排名", "Community ranking"),
    (
        "dimensions",
        "各维度得分（按社区）",
        "Dimension scores by community",
    ),
    (
        "changes",
        "环比变化（综合指数）",
        "Change from the quarter before (index)",
    ),
    (
        "weakest_items",
        "各社区最弱的三项指标",
        "Three weakest items per community",
    ),
    ("importance", "重要性–表现分析", "Importance–performance"),
    (
        "participation_community",
        "参与率（按社区）",
        "Participation by community",
    ),
    (
        "participation_stratum",
        "参与率（按分层）",
        "Participation by stratum",
    ),
    (
        "modes",
        "渠道差异（综合指数）",
        "Mode differences between channels (index)",
    ),
    (
        "orders",
        "整改工单（按部门与状态）",
        "Work orders by department and state",
    ),
    (
        "rectification",
        "整改情况（按部门）",
        "Rectification by department",
    ),
    ("method", "方法说明", "Method notes"),
    ("sheet_summary", "总表", "Summary"),
    ("sheet_streets", "街道排名", "Streets"),
    ("sheet_communities", "社区排名", "Communities"),
    ("sheet_dimensions", "指标", "Indicators"),
    ("sheet_changes", "环比", "Changes"),
    ("sheet_orders", "整改工单", "Work orders"),
    ("sheet_method", "方法说明", "Method"),
    ("sheet_weakest", "最弱指标", "Weakest items"),
    ("sheet_importance", "重要性表现", "Importance-performance"),
    (
        "sheet_part_community",
        "参与率社区",
        "Participation communities",
    ),
    ("sheet_part_stratum", "参与率分层", "Participation strata"),
    ("sheet_modes", "渠道差异", "Mode differences"),
    ("sheet_rectification", "整改情况", "Rectification"),
    ("rank", "名次", "rank"),
    ("rank_low", "名次区间下限", "rank low"),
    ("rank_high", "名次区间上限", "rank high"),
    ("rank_in_street", "街道内名次", "rank in street"),
    ("street", "街道", "street"),
    ("community", "社区", "community"),
    ("stratum", "分层", "stratum"),
    ("score", "得分", "score"),
    ("se", "标准误", "SE"),
    ("ci_low", "95%置信下限", "95% CI low"),
    ("ci_high", "95%置信上限", "95% CI high"),
    ("grade", "等级", "grade"),
    ("change", "环比", "change"),
    ("change_significant", "变化显著", "significant"),
    ("communities", "社区数", "communities"),
    ("streets", "街道数", "streets"),
    ("n", "样本量", "n"),
    ("n_eff", "有效样本量", "effective n"),
    ("small", "小样本", "small sample"),
    ("shrunk", "收缩估计", "shrunk estimate"),
    ("shrunk_se", "收缩估计标准误", "shrunk SE"),
    ("quarter", "季度", "quarter"),
    ("place", "位次", "place"),
    ("item", "项目", "item"),
    ("label", "内容", "label"),
    ("value", "值", "value"),
    ("importance_col", "重要性", "importance"),
    ("quadrant", "象限", "quadrant"),
    ("q_fix_first", "优先改进", "fix first"),
    ("q_keep_up", "继续保持", "keep up"),
    ("q_low_priority", "次要改进", "low priority"),
    ("q_possible_overkill", "适度投入", "possible overkill"),
    ("sampled", "抽中", "sampled"),
    ("complete", "完成", "complete"),
    ("refusal", "拒访", "refusal"),
    ("non_contact", "未接触", "non-contact"),
    ("unknown", "未访问", "not visited"),
    ("ineligible", "不符合条件", "ineligible"),
    ("rr1", "RR1", "RR1"),
    ("rr3", "RR3", "RR3"),
    ("department", "部门", "department"),
    ("order_count", "工单数", "orders"),
    ("state", "状态", "state"),
    ("open", "未办结", "open"),
    ("overdue", "逾期", "overdue"),
    ("on_time_rate", "按时办结率", "on-time rate"),
    ("substantiated_share", "属实比例", "share substantiated"),
    (
        "satisfied_share",
        "回访满意比例",
        "share satisfied after call-back",
    ),
    ("all", "合计", "all"),
    ("period", "期间", "period"),
    ("interviews", "有效访问数", "counted interviews"),
    ("city_mean", "全市平均", "city mean"),
    ("best", "第一名", "first"),
    ("worst", "最后一名", "last"),
    (
        "small_communities",
        "小样本社区",
        "small-sample communities",
    ),
    ("significant_changes", "显著变化", "significant changes"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("home_visit", "入户", "home visit"),
    ("phone", "电话", "phone"),
    ("online", "网络", "online"),
    ("scoring_run", "测评运行编号", "scoring run"),
    (
        "settings_hash",
        "设置哈希（SHA-256）",
        "settings hash (SHA-256)",
    ),
    ("counting", "计入的访问", "interviews counted"),
    ("calibration", "校准变量", "calibration variables"),
    ("channel_weights", "渠道权重", "channel proportions"),
    ("min_n", "最小样本量", "minimum n"),
    ("annual", "年度合成", "annual figure"),
    ("ranked_by", "排名依据", "ranked by"),
    (
        "bootstrap",
        "名次区间自助抽样次数",
        "rank-interval bootstrap draws",
    ),
    ("street_weighting", "街道得分合成", "street score"),
    (
        "street_weighting_population",
        "各社区按期末登记人口加权",
        "communities weighted by register residents on the period's last day",
    ),
    ("problem", "问题", "problem"),
    ("left_out", "未计入", "left out"),
    ("method_text", "方法", "method"),
    (
        "method_body",
        "题目得分按量表线性转换为0–100；维度得分为题目得分的加权平均，综合指数为维度得分的加权平均。各社区每季度每渠道的样本按登记人口的校准变量边际进行raking校准，估计值为校准加权平均，标准误用线性化方法（与R survey包一致），置信区间用t分布。各渠道按比例合成；小样本社区另给出Fay–Herriot收缩估计；名次区间为参数自助法的90%区间。详见docs/method.md。",
        "Item scores are the answer's position on its scale, 0–100; a dimension is the weighted mean of its items, the index the weighted mean of the dimensions. Each community × quarter × channel sample is raked to the register's margins on the calibration variables; the estimate is the calibrated weighted mean, its SE by linearisation (as R's survey package), CIs with the t distribution. Channels are combined by their proportions; small communities also show a Fay–Herriot shrunk estimate; rank intervals are 90% intervals from a parametric bootstrap. See docs/method.md.",
    ),
    ("state_new", "新建", "new"),
    ("state_substantiated", "属实", "substantiated"),
    ("state_not_substantiated", "不属实", "not substantiated"),
    ("state_in_rectification", "整改中", "in rectification"),
    ("state_rectified", "已整改", "rectified"),
    ("state_satisfied", "回访满意", "satisfied"),
    ("state_not_satisfied", "回访不满意", "not satisfied"),
    ("state_closed", "已关闭", "closed"),
    ("state_reopened", "重新打开", "reopened"),
    (
        "chart_ranking",
        "社区排名及90%名次区间",
        "Community ranking with 90% rank intervals",
    ),
    (
        "chart_heat",
        "各维度得分热力图",
        "Dimension scores by community",
    ),
    (
        "chart_trend",
        "季度趋势（综合指数）",
        "Trend by quarter (index)",
    ),
    (
        "chart_response",
        "按分层的应答率（RR1、RR3）",
        "Response rate by stratum (RR1, RR3)",
    ),
    (
        "chart_orders",
        "各部门工单状态",
        "Work orders by department and state",
    ),
    ("charts", "图表", "Charts"),
    ("contents", "目录", "Contents"),
    ("generated", "数据来源：测评运行", "From scoring run"),
    ("no_rows", "（无数据）", "(no data)"),
];

/// The word for `key` in `lang`; the key itself when there is none.
pub fn t(lang: Lang, key: &str) -> &str {
    WORDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_once_and_in_both_languages() {
        let mut keys: Vec<&str> = WORDS.iter().map(|w| w.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "a key twice");
        assert!(
            WORDS
                .iter()
                .all(|(_, zh, en)| !zh.is_empty() && !en.is_empty())
        );
        assert_eq!(t(Lang::En, "summary"), "Summary");
        assert_eq!(t(Lang::Zh, "nothing such"), "nothing such");
    }
}
