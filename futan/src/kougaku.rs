//! 高額療養費 at the counter (現物給付): the limits as dated table data (futan.md §4).
//!
//! ## 何をするか
//! Gives the monthly limit (自己負担限度額) of an income class for a 医療費 `M`, from the table
//! whose `from … to` covers the service date: `base + max(0, M − threshold) × 1%` or a fixed
//! amount, the 多数回 amount, and the 75歳到達月 halving. A month no table covers is
//! `FUTAN_TABLE_MISSING` — never the older limits. Adding the 2026-08 revision is a new
//! [`TABLES`] row, not a code change (futan.md §4.8).
//!
//! ## 根拠
//! | table (rule id) | from | to | source | conf |
//! |---|---|---|---|---|
//! | `futan.kougaku.u70_2015` 70歳未満 ア–オ | 2015-01-01 | 2026-07-31 | 健保法施行令42条 [5]; [8][13]; 計算事例 平成27年1月 [35] | H |
//! | `futan.kougaku.u70_2007` 70歳未満 上位所得/一般/低所得 | 2007-04-01 | 2014-12-31 | [15]; 外来現物給付化 計算事例集 平成24年4月 [36] | M |
//! | `futan.kougaku.o70_2018` 70歳以上 現役並みⅢ/Ⅱ/Ⅰ, 一般, 低所得Ⅱ/Ⅰ | 2018-08-01 | 2026-07-31 | [13][16]; 計算事例 平成30年8月 [35] | H |
//! | `futan.kougaku.o70_2017` 70歳以上 現役並み, 一般, 低所得Ⅱ/Ⅰ | 2017-08-01 | 2018-07-31 | [13][16] | H |
//! | `futan.kougaku.o70_2008` 70歳以上 (外来 44,400/12,000/8,000) | 2008-04-01 | 2017-07-31 | [15] | M |
//!
//! The `u70_2007` start is read as 2007-04-01 (入院 現物給付 for 70歳未満 with 限度額適用認定証,
//! [11]); the spec gives "(≤2012-04-01)" and the rule id names 2007 (**M**). 入院外 receipts of
//! 70歳未満 get no limit at the counter before 2012-04-01 (外来現物給付化, [11] 質問1) — that is
//! decided in `compute`, not here.
//!
//! 2026-08-01 …: the revision agreed on 2025-12-24 (futan.md §4.8, [23]) is not in the table:
//! no 政令 or MHLW notice with its figures was found in the sources searched (only press
//! reports), so those months return `FUTAN_TABLE_MISSING` (**L**, a deliberate gap).
//!
//! ## 例
//! ウ, M = 364,520: 80,100 + (364,520 − 267,000) × 1% = 80,100 + 975 = 81,075 ([35] 70歳未満 事例4).
//! 75歳到達月 現役並みⅡ, M = 336,000: 83,700 + (336,000 − 279,000) × 1% = 84,270 ([35] 高齢受給者 事例4).

use crate::error::FutanError;
use crate::round;
use chrono::{Datelike, NaiveDate};

/// 70歳未満 or 70歳以上 (高齢受給者 and 後期高齢者).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Under70,
    Over70,
}

/// One column of a row: `base + max(0, M − threshold) × 1%` (fixed when no threshold), and the
/// 多数回 amount when the column has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub base: i64,
    pub threshold: Option<i64>,
    pub tasuu: Option<i64>,
}

const fn formula(base: i64, threshold: i64, tasuu: i64) -> Column {
    Column {
        base,
        threshold: Some(threshold),
        tasuu: Some(tasuu),
    }
}

const fn fixed(base: i64, tasuu: Option<i64>) -> Column {
    Column {
        base,
        threshold: None,
        tasuu,
    }
}

/// One income class: the 入院外 (外来 — for 70歳以上 the 外来特例 個人) and the 入院
/// (外来+入院 世帯) columns. 70歳未満 rows have the same column twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub income: &'static str,
    pub outpatient: Column,
    pub inpatient: Column,
}

const fn same(income: &'static str, c: Column) -> Row {
    Row {
        income,
        outpatient: c,
        inpatient: c,
    }
}

const fn split(income: &'static str, outpatient: Column, inpatient: Column) -> Row {
    Row {
        income,
        outpatient,
        inpatient,
    }
}

/// A dated limit table.
#[derive(Debug)]
pub struct Table {
    /// Rule id in the trace (futan.md §6).
    pub rule: &'static str,
    pub group: Group,
    /// Valid from / to, inclusive, as `YYYYMMDD`.
    pub from: u32,
    pub to: u32,
    /// The class of the `general` and `low_income` 公費 bases (futan.md §5.3).
    pub general: &'static str,
    pub low_income: &'static str,
    pub source: &'static str,
    pub rows: &'static [Row],
}

/// The limit tables. Order does not matter; periods of one group do not overlap.
pub const TABLES: &[Table] = &[
    Table {
        rule: "futan.kougaku.u70_2015",
        group: Group::Under70,
        from: 20150101,
        to: 20260731,
        general: "ウ",
        low_income: "オ",
        source: "健保法施行令42条 (平成26年政令第269号); futan.md §4.2 [5][8][13]; 計算事例 平成27年1月 [35] (H)",
        rows: &[
            same("ア", formula(252_600, 842_000, 140_100)),
            same("イ", formula(167_400, 558_000, 93_000)),
            same("ウ", formula(80_100, 267_000, 44_400)),
            same("エ", fixed(57_600, Some(44_400))),
            same("オ", fixed(35_400, Some(24_600))),
        ],
    },
    Table {
        rule: "futan.kougaku.u70_2007",
        group: Group::Under70,
        from: 20070401,
        to: 20141231,
        general: "一般",
        low_income: "低所得",
        source: "futan.md §4.2 [15]; 外来現物給付化 計算事例集 平成24年4月 [36] (M: start date read as 2007-04-01)",
        rows: &[
            same("上位所得", formula(150_000, 500_000, 83_400)),
            same("一般", formula(80_100, 267_000, 44_400)),
            same("低所得", fixed(35_400, Some(24_600))),
        ],
    },
    Table {
        rule: "futan.kougaku.o70_2018",
        group: Group::Over70,
        from: 20180801,
        to: 20260731,
        general: "一般",
        low_income: "低所得Ⅰ",
        source: "健保法施行令42条 (平成29年政令第213号, 平成30年8月施行); futan.md §4.3 [13][16]; 計算事例 平成30年8月 [35] (H)",
        rows: &[
            same("現役並みⅢ", formula(252_600, 842_000, 140_100)),
            same("現役並みⅡ", formula(167_400, 558_000, 93_000)),
            same("現役並みⅠ", formula(80_100, 267_000, 44_400)),
            split("一般", fixed(18_000, None), fixed(57_600, Some(44_400))),
            split("低所得Ⅱ", fixed(8_000, None), fixed(24_600, None)),
            split("低所得Ⅰ", fixed(8_000, None), fixed(15_000, None)),
        ],
    },
    Table {
        rule: "futan.kougaku.o70_2017",
        group: Group::Over70,
        from: 20170801,
        to: 20180731,
        general: "一般",
        low_income: "低所得Ⅰ",
        source: "健保法施行令42条 (平成29年政令第213号); futan.md §4.3 [13][16] (H)",
        rows: &[
            split("現役並み", fixed(57_600, None), formula(80_100, 267_000, 44_400)),
            split("一般", fixed(14_000, None), fixed(57_600, Some(44_400))),
            split("低所得Ⅱ", fixed(8_000, None), fixed(24_600, None)),
            split("低所得Ⅰ", fixed(8_000, None), fixed(15_000, None)),
        ],
    },
    Table {
        rule: "futan.kougaku.o70_2008",
        group: Group::Over70,
        from: 20080401,
        to: 20170731,
        general: "一般",
        low_income: "低所得Ⅰ",
        source: "futan.md §4.3 [15] (M)",
        rows: &[
            split("現役並み", fixed(44_400, None), formula(80_100, 267_000, 44_400)),
            split("一般", fixed(12_000, None), fixed(44_400, None)),
            split("低所得Ⅱ", fixed(8_000, None), fixed(24_600, None)),
            split("低所得Ⅰ", fixed(8_000, None), fixed(15_000, None)),
        ],
    },
];

/// `YYYYMMDD` of a date, for comparing with the table periods.
pub fn ymd(date: NaiveDate) -> u32 {
    date.year() as u32 * 10_000 + date.month() * 100 + date.day()
}

/// The table of `group` valid on `date`, if any.
pub fn table(group: Group, date: NaiveDate) -> Option<&'static Table> {
    let d = ymd(date);
    TABLES.iter().find(|t| t.group == group && t.from <= d && d <= t.to)
}

impl Table {
    /// The row of an income class. 70歳以上: `一般Ⅰ`/`一般Ⅱ` use the `一般` row (futan.md §4.3).
    pub fn row(&self, income: &str) -> Option<&'static Row> {
        let key = match (self.group, income) {
            (Group::Over70, "一般Ⅰ" | "一般Ⅱ") => "一般",
            _ => income,
        };
        self.rows.iter().find(|r| r.income == key)
    }
}

/// Every income name any table knows for the group (for "unknown name" vs "not on this date").
pub fn known_income(group: Group, income: &str) -> bool {
    matches!((group, income), (Group::Over70, "一般Ⅰ" | "一般Ⅱ"))
        || TABLES
            .iter()
            .any(|t| t.group == group && t.rows.iter().any(|r| r.income == income))
}

/// A computed limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub yen: i64,
    /// The 多数回 amount was used.
    pub tasuu: bool,
    /// Human-readable derivation for the trace.
    pub detail: String,
}

/// The limit of a column for the 医療費 `m`: 多数回 when `tasuu` and the column has it
/// (futan.md §4.4; never for the 外来特例), everything halved in the 75歳到達月 (§4.5: fixed
/// amounts, base, threshold and 多数回).
pub fn limit(col: &Column, m: i64, tasuu: bool, halved: bool) -> Result<Limit, FutanError> {
    let h = |v: i64| if halved { v / 2 } else { v };
    if tasuu {
        if let Some(t) = col.tasuu {
            return Ok(Limit {
                yen: h(t),
                tasuu: true,
                detail: format!("多数回 {}{}", h(t), if halved { " (halved)" } else { "" }),
            });
        }
    }
    let base = h(col.base);
    match col.threshold {
        Some(thr) => {
            let thr = h(thr);
            let pct = round::one_percent_over(m, thr)?;
            Ok(Limit {
                yen: round::add(base, pct)?,
                tasuu: false,
                detail: format!(
                    "{base} + ({m} − {thr}) × 1% = {base} + {pct} = {}{}",
                    base + pct,
                    if halved { " (halved)" } else { "" }
                ),
            })
        }
        None => Ok(Limit {
            yen: base,
            tasuu: false,
            detail: format!("{base}{}", if halved { " (halved)" } else { "" }),
        }),
    }
}

/// 配慮措置 (後期 一般Ⅱ, 入院外, 2022-10-01 – 2025-09-30): `6,000 + max(0, M − 30,000) × 10%`
/// (= 1割 + 3,000円 when M ≥ 30,000), the 10% term half-up to 1円. The caller takes the lower of
/// it and the (possibly halved) 18,000; the formula itself is not halved in the 75歳到達月
/// (futan.md §4.7, 後期 計算事例集 令和5年4月 事例6: 40,000円 → 7,000; **M**, §10.3).
/// Source: 高確法施行令 (令和3年政令), [7][19]; **H** for the formula.
pub const HAIRYO_FROM: u32 = 20221001;
pub const HAIRYO_TO: u32 = 20250930;

pub fn hairyo(m: i64) -> Result<i64, FutanError> {
    round::add(6_000, round::div_half_up(round::sub(m, 30_000)?.max(0), 10)?)
}

/// 70歳未満 入院外: the counter applies the limit from 2012-04-01 (外来現物給付化, [11] 質問1; **H**).
pub const U70_OUTPATIENT_FROM: u32 = 20120401;

/// 70歳未満: a part enters 合算 only with 一部負担金等 ≥ 21,000円 (健保法施行令41条 [5][22]; **H**).
pub const GASSAN_U70_MIN: i64 = 21_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tables_do_not_overlap_and_stop_at_2026_07_31() {
        for g in [Group::Under70, Group::Over70] {
            let mut ts: Vec<&Table> = TABLES.iter().filter(|t| t.group == g).collect();
            ts.sort_by_key(|t| t.from);
            for w in ts.windows(2) {
                assert!(w[0].to < w[1].from, "{} overlaps {}", w[0].rule, w[1].rule);
            }
            assert!(table(g, d("2026-07-31")).is_some());
            // futan.md §4.8: no official 2026-08 figures → no table.
            assert!(table(g, d("2026-08-01")).is_none());
        }
        assert!(table(Group::Over70, d("2008-03-31")).is_none());
    }

    #[test]
    fn formula_and_halving() {
        let t = table(Group::Under70, d("2015-01-01")).unwrap();
        let u = t.row("ウ").unwrap();
        assert_eq!(limit(&u.outpatient, 364_520, false, false).unwrap().yen, 81_075);
        // 75歳到達月 ウ: 40,050 + (M − 133,500) × 1% (futan.md §4.5).
        assert_eq!(limit(&u.outpatient, 133_500, false, true).unwrap().yen, 40_050);
        assert_eq!(limit(&u.outpatient, 364_520, true, false).unwrap().yen, 44_400);
        let o = table(Group::Over70, d("2018-08-01")).unwrap();
        let g = o.row("一般Ⅱ").unwrap();
        // 外来特例: no 多数回 step.
        assert_eq!(limit(&g.outpatient, 500_000, true, false).unwrap().yen, 18_000);
        assert_eq!(limit(&g.inpatient, 500_000, true, false).unwrap().yen, 44_400);
        let g3 = o.row("現役並みⅢ").unwrap();
        assert_eq!(limit(&g3.outpatient, 0, true, true).unwrap().yen, 70_050);
    }

    #[test]
    fn hairyo_formula() {
        // 後期 計算事例集 令和5年4月 事例3: M 80,000 → 6,000 + 5,000 = 11,000.
        assert_eq!(hairyo(80_000).unwrap(), 11_000);
        assert_eq!(hairyo(20_000).unwrap(), 6_000);
    }
}
