//! The receipt-month algorithm (futan.md §6): parts, their limits and 公費 chains, the マル長
//! pool, the 合算 with the 21,000円 rule, and the counter amount of every visit.
//!
//! ```text
//! validate → classify (age class, income, rate)                        trace: futan.rate.*
//! parts := visits grouped by (公費 set, 特定疾病); 公費 parts by the rank of their first law, then 単独
//! for each part: raw = Σ round1(visit yen × rate); cap = limit(basis, M_part) [halved, 多数回, 配慮];
//!   copay = min(raw, cap, マル長 pool); each 公費 in payer order takes target → share (≤ its monthly
//!   limit) and pays the rest; the patient keeps the last share
//! 合算: eligible parts (70歳未満: copay ≥ 21,000) capped together at the own limit on their Σ M,
//!   the excess taken from the last part first (公費 payments unchanged)
//! visit k: the receipt over visits[0..=k]; a capped part collects `cumulative − collected` (1円),
//!   an uncapped one `round10(Δ)`; other parts whose amount changed are settled (refunds)
//! ```
//!
//! The month figures do not depend on visit order; the per-visit figures do.

use crate::aid::{self, AidRule};
use crate::burden::{AidShare, Burden, Diagnostic, Kougaku, Level, Part, TraceStep, VisitBurden};
use crate::error::{ErrorKind, FutanError};
use crate::input::{Basis, FutanInput, InsuranceKind, VisitInput};
use crate::kougaku::{self, Group};
use crate::rate::{self, Classification};
use crate::round;
use chrono::NaiveDate;

/// Adds a trace step when tracing (the last prefix of the month); the arguments are only
/// evaluated then, so the earlier prefixes build no strings.
macro_rules! trace {
    ($t:expr, $step:expr, $rule:expr, $source:expr, $detail:expr $(,)?) => {
        if let Some(t) = $t.as_deref_mut() {
            t.push(TraceStep {
                step: $step,
                rule: $rule.to_string(),
                source: $source.to_string(),
                detail: $detail,
            });
        }
    };
}

/// The largest 医療費 of one receipt santei accepts (10兆円): every product it forms (yen ×
/// 1000ths) then stays far inside i64; beyond it the input is refused as `FUTAN_OVERFLOW`.
pub const MAX_MEDICAL_YEN: i64 = 10_000_000_000_000;

/// A visit as the rules see it.
#[derive(Clone, Debug)]
struct Visit {
    date: NaiveDate,
    yen: i64,
    points: Option<i64>,
    /// Indices into `Setup::rules`, sorted by payer rank.
    aids: Vec<usize>,
    tokutei: bool,
}

/// Everything that does not change between the prefixes of the month.
struct Setup {
    class: Classification,
    inpatient: bool,
    rules: Vec<AidRule>,
    visits: Vec<Visit>,
    /// (rule index, yen, date) of `history.limit_used`.
    limit_used: Vec<(usize, i64, NaiveDate)>,
    /// マル長 limit of the receipt (halved in the 75歳到達月).
    pool: Option<i64>,
    payers: Vec<Option<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct PartKey {
    aids: Vec<usize>,
    tokutei: bool,
}

#[derive(Clone, Debug)]
struct Step {
    rule: usize,
    target: i64,
    paid: i64,
    patient: i64,
    limit: Option<i64>,
}

#[derive(Clone, Debug)]
struct PartCalc {
    key: PartKey,
    visits: Vec<usize>,
    medical: i64,
    points: Option<i64>,
    raw: i64,
    /// The limit applied (the lower of the 高額 limit and the マル長 pool), if any.
    limit: Option<i64>,
    /// A 高額 limit was allowed at the counter for this part (futan.md §4.1).
    limited: bool,
    copay: i64,
    steps: Vec<Step>,
    patient: i64,
    /// A cap (高額, 配慮, マル長, 公費 limit, 合算) decides the patient's amount.
    capped: bool,
    gassan: bool,
    hairyo_bound: bool,
    basis: Option<Basis>,
}

struct MonthCalc {
    parts: Vec<PartCalc>,
    gassan_reduced: bool,
}

fn info(level: Level, code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        level,
        code,
        message: message.into(),
        path: path.into(),
    }
}

/// Computes one receipt-month.
pub fn compute(input: &FutanInput) -> Result<Burden, FutanError> {
    let mut diags = Vec::new();
    let setup = setup(input, &mut diags)?;
    let mut trace = Vec::new();
    trace.push(TraceStep {
        step: "classify".into(),
        rule: setup.class.rate_rule.into(),
        source: rate_source(setup.class.rate_rule).into(),
        detail: format!(
            "{} on {}: {} (income {})",
            serde_json::to_value(setup.class.age_class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            setup.class.date,
            setup.class.rate_detail,
            setup.class.income.as_deref().unwrap_or("unknown")
        ),
    });
    if setup.class.tasuu {
        trace.push(TraceStep {
            step: "classify".into(),
            rule: "futan.kougaku.tasuu".into(),
            source: "健保法施行令42条; futan.md §4.4 [8][13] (H)".into(),
            detail: "多数回該当: the 多数回 amounts apply (not to the 外来特例)".into(),
        });
    }
    if setup.class.halved {
        trace.push(TraceStep {
            step: "classify".into(),
            rule: "futan.kougaku.halved75".into(),
            source: "健保法施行令41条・42条 (75歳到達月の特例); futan.md §4.5 [18] (H)".into(),
            detail: "75歳到達月: every limit halved (fixed amounts, base, threshold, 多数回, マル長)".into(),
        });
    }

    let n = setup.visits.len();
    let mut prev: Vec<(PartKey, i64)> = Vec::new();
    let mut collected: Vec<(PartKey, i64)> = Vec::new();
    let mut prev_patient = 0i64;
    let mut visits_out = Vec::with_capacity(n);
    let mut last: Option<MonthCalc> = None;
    let mut visit_trace = Vec::with_capacity(n);
    for k in 0..n {
        let is_last = k + 1 == n;
        let mut t = if is_last { Some(&mut trace) } else { None };
        let m = month(&setup, k + 1, &mut t)?;
        let own = part_of(&setup.visits[k]);
        let mut counter = 0i64;
        let mut how = Vec::new();
        for p in &m.parts {
            let before = lookup(&prev, &p.key);
            let got = lookup(&collected, &p.key);
            let c = if p.key == own {
                if p.capped {
                    how.push(format!("cap: {} − {} collected", p.patient, got));
                    round::sub(p.patient, got)?
                } else {
                    let delta = round::sub(p.patient, before)?;
                    how.push(format!("round10({delta})"));
                    round::counter(delta)?
                }
            } else if p.patient != before {
                how.push(format!("settle another part: {} − {} collected", p.patient, got));
                round::sub(p.patient, got)?
            } else {
                0
            };
            counter = round::add(counter, c)?;
            set(&mut collected, &p.key, round::add(got, c)?);
            set(&mut prev, &p.key, p.patient);
        }
        let patient: i64 = m.parts.iter().map(|p| p.patient).sum();
        let own_capped = m.parts.iter().any(|p| p.key == own && p.capped);
        visit_trace.push(TraceStep {
            step: format!("visits[{k}]"),
            rule: if own_capped {
                "futan.round.cap"
            } else {
                "futan.round.counter"
            }
            .into(),
            source: if own_capped {
                "futan.md §3: cap − collected in 1円 ([36] 5,230 + 2,620 + 150 = 8,000) (M)"
            } else {
                "健保法75条, 国保法42条の2: 10円未満四捨五入 [3][4] (H)"
            }
            .into(),
            detail: format!("counter {counter} ({})", how.join("; ")),
        });
        let v = &setup.visits[k];
        visits_out.push(VisitBurden {
            date: v.date,
            points: v.points,
            medical_yen: v.yen,
            patient_yen: round::sub(patient, prev_patient)?,
            counter_yen: counter,
        });
        prev_patient = patient;
        if is_last {
            last = Some(m);
        }
    }
    let m = last.ok_or_else(|| FutanError::input("visits", "no visits"))?;
    trace.extend(visit_trace);
    assemble(input, &setup, m, visits_out, trace, diags)
}

fn lookup(v: &[(PartKey, i64)], k: &PartKey) -> i64 {
    v.iter().find(|(x, _)| x == k).map(|(_, y)| *y).unwrap_or(0)
}

fn set(v: &mut Vec<(PartKey, i64)>, k: &PartKey, y: i64) {
    match v.iter_mut().find(|(x, _)| x == k) {
        Some(e) => e.1 = y,
        None => v.push((k.clone(), y)),
    }
}

fn part_of(v: &Visit) -> PartKey {
    PartKey {
        aids: v.aids.clone(),
        tokutei: v.tokutei,
    }
}

fn rate_source(rule: &str) -> &'static str {
    match rule {
        "futan.rate.general" => "健保法74条1項1号; futan.md §2 [1] (H)",
        "futan.rate.preschool" => "健保法74条 (未就学 2割); futan.md §2 [9] (H; 3歳未満 before 2008-04: M)",
        "futan.rate.kourei" => "健保法74条1項2号・3号, 施行令34条; futan.md §2 [1][2][10] (H)",
        "futan.rate.kourei_tokurei" => "70–74歳 軽減特例; futan.md §2 [10] (H)",
        "futan.rate.kouki" => "高確法67条; futan.md §2 [7] (H)",
        "futan.rate.override" => "insurance.rate (the certificate); futan.md §2",
        _ => "futan.md §2: a receipt without insurance is 公費単独 (10割)",
    }
}

/// Validates the input and resolves everything the prefixes share.
fn setup(input: &FutanInput, diags: &mut Vec<Diagnostic>) -> Result<Setup, FutanError> {
    let month = input.month;
    let first_day = month.first_day();
    // Visits (or one billing event of `medical_yen` on the 1st).
    let one;
    let raw_visits: Vec<(String, &VisitInput)> = match (&input.medical_yen, input.visits.is_empty()) {
        (Some(_), false) => {
            return Err(FutanError::input(
                "medical_yen",
                "give `visits` or `medical_yen`, not both",
            ))
        }
        (Some(y), true) => {
            one = VisitInput {
                date: first_day,
                points: None,
                medical_yen: Some(*y),
                aid: None,
                tokutei: None,
            };
            vec![("medical_yen".to_string(), &one)]
        }
        (None, true) => return Err(FutanError::input("visits", "no visits and no medical_yen")),
        (None, false) => input
            .visits
            .iter()
            .enumerate()
            .map(|(k, v)| (format!("visits[{k}]"), v))
            .collect(),
    };
    if input.birth_date > month_end(first_day) {
        return Err(FutanError::input(
            "birth_date",
            format!("{} is after the month {month}", input.birth_date),
        ));
    }
    let ins = input.insurance.as_ref();
    let mut prev_date = None;
    let mut total = 0i64;
    let mut yen_points = Vec::with_capacity(raw_visits.len());
    for (path, rv) in &raw_visits {
        let (date, points, yen) = (&rv.date, &rv.points, &rv.medical_yen);
        if !month.contains(*date) {
            return Err(FutanError::input(
                format!("{path}.date"),
                format!("{date} is outside the month {month}"),
            ));
        }
        if prev_date.is_some_and(|p| *date < p) {
            return Err(FutanError::input(
                format!("{path}.date"),
                format!("{date} is before the previous visit: visits are in date order"),
            ));
        }
        prev_date = Some(*date);
        if *date < input.birth_date {
            return Err(FutanError::input(
                format!("{path}.date"),
                format!("{date} is before the birth date {}", input.birth_date),
            ));
        }
        let yen = match (points, yen) {
            (Some(p), None) => {
                if *p < 0 {
                    return Err(FutanError::input(format!("{path}.points"), "points are 0 or more"));
                }
                round::mul(*p, 10)?
            }
            (None, Some(y)) => {
                if *y < 0 {
                    let at = if path == "medical_yen" {
                        path.clone()
                    } else {
                        format!("{path}.medical_yen")
                    };
                    return Err(FutanError::input(at, "medical_yen is 0 or more"));
                }
                *y
            }
            _ => {
                return Err(FutanError::input(
                    path.clone(),
                    "give exactly one of `points` and `medical_yen`",
                ))
            }
        };
        total = round::add(total, yen)?;
        if total > MAX_MEDICAL_YEN {
            return Err(FutanError::new(
                ErrorKind::Overflow,
                path.clone(),
                format!("the receipt's 医療費 exceeds {MAX_MEDICAL_YEN} yen"),
            ));
        }
        yen_points.push((yen, *points));
    }
    // Shaho/kokuho end the day before the 75th birthday (then 後期: a second receipt).
    if let Some(i) = ins {
        if i.kind != InsuranceKind::Kouki {
            let b75 = rate::nth_birthday(input.birth_date, 75);
            if let Some((path, _)) = raw_visits.iter().find(|v| v.1.date >= b75) {
                return Err(FutanError::input(
                    format!("{path}.date"),
                    format!("on or after the 75th birthday ({b75}) the patient is in 後期高齢者医療: a second receipt (kind \"kouki\")"),
                ));
            }
        }
    }
    let class = rate::classify(input, raw_visits[0].1.date)?;

    // 公費.
    let rules = aid::resolve(&input.public_aid)?;
    let mut expired_warned = vec![false; rules.len()];
    let mut visits = Vec::with_capacity(raw_visits.len());
    let tokutei_limit = match ins.and_then(|i| i.tokutei_shippei) {
        None => None,
        Some(v @ (10_000 | 20_000)) => Some(v),
        Some(v) => {
            return Err(FutanError::input(
                "insurance.tokutei_shippei",
                format!("{v}: 特定疾病療養受療証 is 10000 (マル長) or 20000 (長2)"),
            ))
        }
    };
    for ((path, rv), (yen, points)) in raw_visits.iter().zip(yen_points) {
        let (date, aid_list, tokutei) = (&rv.date, rv.aid.as_ref(), &rv.tokutei);
        let mut aids: Vec<usize> = Vec::new();
        match aid_list {
            Some(list) => {
                for (j, law) in list.iter().enumerate() {
                    let entries: Vec<usize> = (0..rules.len()).filter(|&r| rules[r].law == *law).collect();
                    if entries.is_empty() {
                        return Err(FutanError::input(
                            format!("{path}.aid[{j}]"),
                            format!("法別 {law} is not in public_aid"),
                        ));
                    }
                    match entries.iter().find(|&&r| input.public_aid[r].valid_on(*date)) {
                        Some(&r) => {
                            if !aids.contains(&r) {
                                aids.push(r)
                            }
                        }
                        None => diags.push(info(
                            Level::Warning,
                            "FUTAN_AID_EXPIRED",
                            format!("{path}.aid[{j}]"),
                            format!("法別 {law} is not valid on {date} (from/to): not applied"),
                        )),
                    }
                }
            }
            None => {
                for (r, a) in input.public_aid.iter().enumerate() {
                    if a.valid_on(*date) {
                        if !aids.iter().any(|&x| rules[x].law == rules[r].law) {
                            aids.push(r);
                        }
                    } else if !expired_warned[r] {
                        expired_warned[r] = true;
                        diags.push(info(
                            Level::Warning,
                            "FUTAN_AID_EXPIRED",
                            format!("public_aid[{r}]"),
                            format!(
                                "法別 {} is not valid on {date} (from/to): not applied to that visit",
                                a.law
                            ),
                        ));
                    }
                }
            }
        }
        aids.sort_by_key(|&r| rules[r].rank);
        let tokutei = match tokutei {
            Some(true) if tokutei_limit.is_none() => {
                return Err(FutanError::input(
                    format!("{path}.tokutei"),
                    "a 特定疾病療養 visit needs insurance.tokutei_shippei",
                ))
            }
            Some(t) => *t,
            None => tokutei_limit.is_some(),
        };
        visits.push(Visit {
            date: *date,
            yen,
            points,
            aids,
            tokutei,
        });
    }
    let mut limit_used = Vec::new();
    if let Some(h) = &input.history {
        for (j, u) in h.limit_used.iter().enumerate() {
            let r = rules.iter().position(|a| a.law == u.law).ok_or_else(|| {
                FutanError::input(
                    format!("history.limit_used[{j}].law"),
                    format!("法別 {} is not in public_aid", u.law),
                )
            })?;
            if u.yen < 0 {
                return Err(FutanError::input(
                    format!("history.limit_used[{j}].yen"),
                    "0 or more yen",
                ));
            }
            limit_used.push((r, u.yen, u.date));
        }
    }

    // Diagnostics of the classification.
    if ins.is_some() && class.group == Group::Under70 && class.income.is_none() {
        let certified_false = ins.and_then(|i| i.limit_certified) == Some(false);
        diags.push(info(
            Level::Info,
            "FUTAN_NO_INCOME",
            "insurance.income",
            if certified_false {
                "70歳未満, 区分 not certified at the counter: no 高額療養費 limit at the counter (the insurer refunds later)"
            } else {
                "70歳未満 without a 所得区分: no 高額療養費 limit at the counter (the insurer refunds later)"
            },
        ));
        for r in &rules {
            if r.basis == Basis::Own && visits.iter().any(|v| v.aids.contains(&r.index)) {
                diags.push(info(
                    Level::Warning,
                    "FUTAN_AID_BASIS_UNKNOWN",
                    format!("public_aid[{}]", r.index),
                    format!(
                        "法別 {} limits its part by the patient's own 区分, which is unknown: the general basis is used",
                        r.law
                    ),
                ));
            }
        }
    }

    let pool = tokutei_limit.map(|v| if class.halved { v / 2 } else { v });
    Ok(Setup {
        inpatient: input.inpatient,
        rules,
        visits,
        limit_used,
        pool,
        payers: input.public_aid.iter().map(|a| a.payer.clone()).collect(),
        class,
    })
}

fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// The income class a basis reads in the table valid on the classification date.
fn basis_income(s: &Setup, basis: Basis, table: &kougaku::Table) -> String {
    match basis {
        Basis::Own => s.class.income.clone().unwrap_or_else(|| table.general.to_string()),
        Basis::General => table.general.to_string(),
        Basis::LowIncome => table.low_income.to_string(),
    }
}

fn table_for(s: &Setup) -> Result<&'static kougaku::Table, FutanError> {
    kougaku::table(s.class.group, s.class.date).ok_or_else(|| {
        FutanError::new(
            ErrorKind::TableMissing,
            "month",
            format!(
                "no 高額療養費 table covers {} ({}; futan.md §4.8: the 2026-08 limits are not in santei's tables)",
                s.class.date,
                if s.class.group == Group::Under70 {
                    "70歳未満"
                } else {
                    "70歳以上"
                }
            ),
        )
    })
}

/// The receipt over `visits[0..n]`.
fn month(s: &Setup, n: usize, t: &mut Option<&mut Vec<TraceStep>>) -> Result<MonthCalc, FutanError> {
    let visits = &s.visits[..n];
    let cutoff = visits[n - 1].date;
    let mut keys: Vec<PartKey> = Vec::new();
    for v in visits {
        let k = part_of(v);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    // 公費 parts by the rank of their laws, then 単独; 特定疾病 parts first within one 公費 set.
    keys.sort_by(|a, b| {
        let ra: Vec<_> = a.aids.iter().map(|&r| s.rules[r].rank).collect();
        let rb: Vec<_> = b.aids.iter().map(|&r| s.rules[r].rank).collect();
        (a.aids.is_empty(), ra, !a.tokutei).cmp(&(b.aids.is_empty(), rb, !b.tokutei))
    });
    let c = &s.class;
    let d = kougaku::ymd(c.date);
    let mut pool = s.pool;
    let mut used = vec![0i64; s.rules.len()];
    let mut parts = Vec::with_capacity(keys.len());
    for (pi, key) in keys.into_iter().enumerate() {
        let idx: Vec<usize> = (0..n).filter(|&k| part_of(&visits[k]) == key).collect();
        let mut medical = 0i64;
        let mut raw = 0i64;
        let mut points = Some(0i64);
        for &k in &idx {
            let v = &visits[k];
            medical = round::add(medical, v.yen)?;
            raw = round::add(raw, round::share(v.yen, c.rate.permille())?)?;
            points = match (points, v.points) {
                (Some(a), Some(b)) => Some(round::add(a, b)?),
                _ => None,
            };
        }
        let step = format!("parts[{pi}]");
        let tandoku = key.aids.is_empty();
        trace!(
            t,
            step.clone(),
            c.rate_rule,
            rate_source(c.rate_rule),
            format!("医療費 {medical}; raw copay Σ round1(yen × {}) = {raw}", c.rate),
        );

        // The limit of the part (futan.md §4.1–4.7).
        let basis = if c.no_insurance {
            None
        } else if tandoku {
            Some(Basis::Own)
        } else {
            Some(s.rules[key.aids[0]].basis)
        };
        let limited = !c.no_insurance
            && (!tandoku
                || (c.income.is_some()
                    && (c.group == Group::Over70 || s.inpatient || d >= kougaku::U70_OUTPATIENT_FROM)));
        let mut limit: Option<i64> = None;
        let mut hairyo_bound = false;
        if limited {
            let table = table_for(s)?;
            let income = basis_income(s, basis.unwrap_or(Basis::Own), table);
            let row = table.row(&income).ok_or_else(|| {
                FutanError::new(
                    ErrorKind::IncomeInvalid,
                    "insurance.income",
                    format!("{} has no row `{income}`", table.rule),
                )
            })?;
            let col = if s.inpatient { &row.inpatient } else { &row.outpatient };
            let l = kougaku::limit(col, medical, c.tasuu, c.halved)?;
            trace!(
                t,
                step.clone(),
                table.rule,
                table.source,
                format!(
                    "{} basis {} ({}), {}: {}",
                    if tandoku { "単独" } else { "公費" },
                    basis.map(basis_name).unwrap_or(""),
                    income,
                    if s.inpatient { "入院" } else { "入院外" },
                    l.detail
                ),
            );
            let mut yen = l.yen;
            let hairyo_period = (kougaku::HAIRYO_FROM..=kougaku::HAIRYO_TO).contains(&d);
            if tandoku && !key.tokutei && c.ippan2 && !s.inpatient && hairyo_period {
                let h = kougaku::hairyo(medical)?;
                trace!(
                    t,
                    step.clone(),
                    "futan.kougaku.hairyo",
                    "高確法施行令 配慮措置 (2022-10-01 – 2025-09-30); futan.md §4.7 [7][19] (H; 75歳到達月: M)",
                    format!("配慮措置: 6,000 + ({medical} − 30,000)⁺ × 10% = {h}; limit min({yen}, {h})"),
                );
                if h < yen {
                    yen = h;
                    hairyo_bound = raw > h;
                }
            }
            limit = Some(yen);
        } else if !c.no_insurance && tandoku && c.income.is_some() {
            trace!(
                t,
                step.clone(),
                "futan.kougaku.u70_2007",
                "外来現物給付化 2012-04-01; futan.md §4.1 [11] (H)",
                "70歳未満 入院外 before 2012-04-01: no limit at the counter".to_string(),
            );
        }
        let mut copay = limit.map_or(raw, |l| raw.min(l));
        if key.tokutei {
            let p = pool.unwrap_or(0);
            trace!(
                t,
                step.clone(),
                "futan.kougaku.tokutei",
                "健保法施行令42条 特定疾病 (マル長 10,000 / 20,000); futan.md §4.7 [14] (H; one pool per receipt: M/L)",
                format!("マル長: pool {p} left; copay min({copay}, {p})"),
            );
            copay = copay.min(p);
            limit = Some(limit.map_or(p, |l| l.min(p)));
            pool = Some(round::sub(p, copay)?);
        }
        let mut capped = copay < raw;

        // The 公費 chain (futan.md §5.4).
        let mut left = copay;
        let mut steps = Vec::with_capacity(key.aids.len());
        for &r in &key.aids {
            let rule = &s.rules[r];
            let target = left;
            let mut share = rule.share_of(target, medical, c.rate)?;
            if let Some(vl) = rule.visit_limit {
                // 地単 per-visit amount: the first `visits_per_month` visits with this 公費 pay up to
                // `visit_limit` each, later ones 0 (futan.md §5.5; L).
                let mut cap = 0i64;
                for &k in &idx {
                    let ordinal = visits[..k].iter().filter(|v| v.aids.contains(&r)).count() as u32;
                    if rule.visits_per_month.is_some_and(|npm| ordinal >= npm) {
                        continue;
                    }
                    let v = &visits[k];
                    let own = rule.share_of(round::share(v.yen, c.rate.permille())?, v.yen, c.rate)?;
                    cap = round::add(cap, own.min(vl))?;
                }
                if share > cap {
                    share = cap;
                    capped = true;
                }
            }
            let mut limit_left = None;
            if let Some(ml) = rule.monthly_limit {
                let before: i64 = s
                    .limit_used
                    .iter()
                    .filter(|(x, _, date)| *x == r && *date < cutoff)
                    .map(|(_, y, _)| *y)
                    .sum();
                let avail = round::sub(round::sub(ml, used[r])?, before)?.max(0);
                limit_left = Some(avail);
                if before > 0 {
                    trace!(
                        t,
                        format!("{step}.aid[{}]", rule.law),
                        "futan.aid.limit_used",
                        "自己負担上限額管理票; futan.md §5.2 [29][36] (H)",
                        format!("{before} already recorded by other providers before {cutoff}"),
                    );
                }
                if share > avail {
                    share = avail;
                    capped = true;
                }
            }
            used[r] = round::add(used[r], share)?;
            let paid = round::sub(target, share)?;
            trace!(
                t,
                format!("{step}.aid[{}]", rule.law),
                &rule.rule,
                &rule.source,
                format!(
                    "{}: target {target}; patient share {} = {}{}; pays {paid}",
                    rule.name,
                    rule.describe_share(),
                    share,
                    limit_left
                        .map(|l| format!(" (monthly limit left {l})"))
                        .unwrap_or_default()
                ),
            );
            steps.push(Step {
                rule: r,
                target,
                paid,
                patient: share,
                limit: limit_left,
            });
            left = share;
        }
        parts.push(PartCalc {
            key,
            visits: idx,
            medical,
            points,
            raw,
            limit,
            limited,
            copay,
            steps,
            patient: left,
            capped,
            gassan: false,
            hairyo_bound,
            basis,
        });
    }

    // 合算 (futan.md §4.6).
    let mut gassan_reduced = false;
    if !c.no_insurance && c.income.is_some() {
        let mut eligible = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if !p.limited {
                continue;
            }
            if c.group == Group::Under70 && p.copay < kougaku::GASSAN_U70_MIN {
                if parts.len() > 1 {
                    trace!(
                        t,
                        format!("parts[{i}]"),
                        "futan.kougaku.gassan_21000",
                        "健保法施行令41条 (21,000円); futan.md §4.6 [5][22] (H)",
                        format!("一部負担金等 {} < 21,000: not in the 合算", p.copay),
                    );
                }
                continue;
            }
            eligible.push(i);
        }
        let apply = match c.group {
            Group::Under70 => eligible.len() >= 2,
            Group::Over70 => eligible.len() >= 2 || (eligible.len() == 1 && !parts[eligible[0]].key.aids.is_empty()),
        };
        if apply {
            let table = table_for(s)?;
            let income = basis_income(s, Basis::Own, table);
            let row = table.row(&income).expect("validated income");
            let col = if s.inpatient { &row.inpatient } else { &row.outpatient };
            let m_e = eligible
                .iter()
                .try_fold(0i64, |a, &i| round::add(a, parts[i].medical))?;
            let l = kougaku::limit(col, m_e, c.tasuu, c.halved)?;
            let total = eligible
                .iter()
                .try_fold(0i64, |a, &i| round::add(a, parts[i].patient))?;
            let mut excess = round::sub(total, l.yen)?.max(0);
            trace!(
                t,
                "gassan".into(),
                "futan.kougaku.gassan",
                "健保法施行令41条 (合算); futan.md §4.6 [5]; [35] 高齢受給者 事例45/49, 難病 事例5, 70歳未満 事例16/17 (H)",
                format!(
                    "parts {:?}: patient Σ {total} vs own limit on Σ医療費 {m_e}: {} → reduce {excess} from the last part",
                    eligible, l.detail
                ),
            );
            for &i in &eligible {
                parts[i].gassan = true;
            }
            for &i in eligible.iter().rev() {
                if excess == 0 {
                    break;
                }
                let p = &mut parts[i];
                let r = excess.min(p.patient);
                if r == 0 {
                    continue;
                }
                p.patient -= r;
                p.copay -= r;
                for st in &mut p.steps {
                    st.target -= r;
                    st.patient -= r;
                }
                p.capped = true;
                excess -= r;
                gassan_reduced = true;
            }
        }
    }
    Ok(MonthCalc { parts, gassan_reduced })
}

fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::General => "general",
        Basis::Own => "own",
        Basis::LowIncome => "low_income",
    }
}

/// The result of the whole month.
fn assemble(
    input: &FutanInput,
    s: &Setup,
    m: MonthCalc,
    visits: Vec<VisitBurden>,
    trace: Vec<TraceStep>,
    diagnostics: Vec<Diagnostic>,
) -> Result<Burden, FutanError> {
    let c = &s.class;
    let sum = |f: &dyn Fn(&PartCalc) -> i64| m.parts.iter().try_fold(0i64, |a, p| round::add(a, f(p)));
    let medical = sum(&|p| p.medical)?;
    let copay = sum(&|p| p.copay)?;
    let patient = sum(&|p| p.patient)?;
    let raw = sum(&|p| p.raw)?;
    let points = m.parts.iter().try_fold(Some(0i64), |a, p| match (a, p.points) {
        (Some(a), Some(b)) => round::add(a, b).map(Some),
        _ => Ok(None),
    })?;
    let counter = visits.iter().try_fold(0i64, |a, v| round::add(a, v.counter_yen))?;

    let mut aids = Vec::with_capacity(input.public_aid.len());
    for (i, a) in input.public_aid.iter().enumerate() {
        let r = i; // `aid::resolve` keeps the input order: rule r is entry r.
        let mut row = AidShare {
            law: a.law.clone(),
            payer: s.payers[i].clone(),
            target_yen: 0,
            paid_yen: 0,
            patient_yen: 0,
            limit_yen: None,
            points: Some(0),
        };
        for p in m.parts.iter().filter(|p| p.key.aids.contains(&r)) {
            for st in p.steps.iter().filter(|st| st.rule == r) {
                row.target_yen = round::add(row.target_yen, st.target)?;
                row.paid_yen = round::add(row.paid_yen, st.paid)?;
                row.patient_yen = round::add(row.patient_yen, st.patient)?;
                if row.limit_yen.is_none() {
                    row.limit_yen = st.limit;
                }
            }
            row.points = match (row.points, p.points) {
                (Some(x), Some(y)) => Some(round::add(x, y)?),
                _ => None,
            };
        }
        if row.limit_yen.is_none() {
            row.limit_yen = a.monthly_limit;
        }
        aids.push(row);
    }

    // The patient's own limit on the receipt's whole 医療費 (futan.md §7(b) kougaku.limit_yen).
    let own_limit = if c.no_insurance || c.income.is_none() {
        None
    } else {
        let table = table_for(s)?;
        let income = basis_income(s, Basis::Own, table);
        let row = table.row(&income).expect("validated income");
        let col = if s.inpatient { &row.inpatient } else { &row.outpatient };
        let mut l = kougaku::limit(col, medical, c.tasuu, c.halved)?.yen;
        let d = kougaku::ymd(c.date);
        let single = m.parts.len() == 1 && m.parts[0].key.aids.is_empty() && !m.parts[0].key.tokutei;
        if single && c.ippan2 && !s.inpatient && (kougaku::HAIRYO_FROM..=kougaku::HAIRYO_TO).contains(&d) {
            l = l.min(kougaku::hairyo(medical)?);
        }
        Some(l)
    };

    let kougaku = Kougaku {
        applied: copay < raw || m.gassan_reduced,
        limit_yen: own_limit,
        paid_yen: round::sub(raw, copay)?,
        basis: m.parts.first().and_then(|p| p.basis),
        tasuu: c.tasuu,
        halved: c.halved,
        hairyo: m.parts.iter().any(|p| p.hairyo_bound),
        tokutei_yen: s.pool,
    };
    let parts = m
        .parts
        .iter()
        .map(|p| Part {
            aid: p.key.aids.iter().map(|&r| s.rules[r].law.clone()).collect(),
            tokutei: p.key.tokutei,
            medical_yen: p.medical,
            copay_yen: p.copay,
            patient_yen: p.patient,
            limit_yen: p.limit,
            gassan: p.gassan,
        })
        .collect();
    debug_assert_eq!(
        m.parts.iter().map(|p| p.visits.len()).sum::<usize>(),
        visits.len(),
        "every visit is in one part"
    );
    Ok(Burden {
        medical_yen: medical,
        points,
        rate: c.rate,
        age_class: c.age_class,
        income: c.income.clone(),
        copay_yen: copay,
        insurer_yen: round::sub(medical, copay)?,
        patient_yen: patient,
        counter_yen: counter,
        public_aid: aids,
        kougaku,
        parts,
        visits,
        trace,
        diagnostics,
    })
}
