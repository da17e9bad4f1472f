"""Points schemes (积分): party-member points (党员积分管理), volunteer points and 新市民积分
(seed 001: schooling, insurance, hukou) — published rules, entries by rule with evidence,
four-eyes approval, appeals, a yearly ranking per community and its export."""
