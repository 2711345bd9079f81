//! The calculation pipeline for one claim:
//! 1. **validate** the claim (dates in one month, times, codes valid on their dates) → `ClaimError`;
//! 2. per visit in date/time order: **base fee** ([`rules::kihon`]), **time class**
//!    ([`rules::jikan`]), **注加算** ([`rules::chu_kasan`]), **DX family** ([`rules::iryo_dx`]),
//!    **外来管理加算** ([`rules::gairai_kanri`]), **listed items** ([`rules::items`]); listed add-ons are
//!    checked against the derived ones, never duplicated;
//! 3. **totals** per 診療識別 and provenance of every master file used.

use crate::claim::{Claim, Prescription, Usage, VisitKind};
use crate::context::{Billed, Ctx, KNOWN_CAPABILITIES};
use crate::outcome::*;
use crate::rules::{
    self, chu_kasan, chusha, gairai_hokatsu, gairai_kanri, igaku_kanri, iryo_dx, items as pricing, jikan, kensa,
    kihon::{self, BaseKind},
    monthly, sections, shochi, touyaku,
};
use crate::{calendar, strict, ClaimError, Engine, Options};
use chrono::{Datelike, NaiveDate};
use masters::{AnyVersion, Code, DosageForm, HospClinic, InOut, MasterSet, PointKind, Procedure, RowRef, Version};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// One listed item after validation.
struct ParsedItem<'m> {
    idx: usize,
    code: Code,
    v: AnyVersion<'m>,
}

struct St {
    lines: Vec<Line>,
    removed: Vec<Removed>,
    diags: Vec<Diagnostic>,
    billed: Vec<Billed>,
    files: BTreeSet<u16>,
    trace: bool,
    /// Index in `lines` of the first line of the visit being computed: a visit's lines are all
    /// pushed while it is computed, so per-visit lookups scan only `lines[visit_start..]`
    /// (linear per claim, not quadratic in its visits).
    visit_start: usize,
}

impl St {
    fn diag(&mut self, level: Level, code: &'static str, message: impl Into<String>, path: impl Into<String>) {
        self.diags.push(Diagnostic {
            level,
            code,
            message: message.into(),
            path: path.into(),
        });
    }
    fn detail(&self, f: impl FnOnce() -> String) -> Option<String> {
        self.trace.then(f)
    }
}

fn mref(set: &MasterSet, files: &mut BTreeSet<u16>, origin: RowRef, vf: NaiveDate, vt: NaiveDate) -> MasterRowRef {
    files.insert(origin.file);
    let f = set.file(origin);
    MasterRowRef {
        file: f.name.clone(),
        line: origin.line,
        valid_from: vf,
        valid_to: (vt != masters::OPEN_END).then_some(vt),
        supplement: f.layer == masters::Layer::Supplement,
    }
}

/// Integer points of one unit of a 診療行為 row, or `None` when its 点数識別 is not computed yet.
fn procedure_points(p: &Procedure) -> Option<i64> {
    let pts = p.points.round().to_i64()?;
    match p.point_kind {
        PointKind::Points => Some(pts),
        PointKind::MinusPoints => Some(-pts),
        _ => None,
    }
}

fn validate<'m>(set: &'m MasterSet, claim: &Claim) -> Result<Vec<Vec<ParsedItem<'m>>>, ClaimError> {
    if claim.visits.is_empty() {
        return Err(ClaimError::invalid("visits", "a claim needs at least one visit"));
    }
    bounds(claim)?;
    let first = claim.visits[0].date;
    // Service dates santei can reason about: the 点数表 calendar (holidays, eras) is defined for
    // these years only; anything else is a typo.
    let plausible = |d: NaiveDate| (2000..=2099).contains(&d.year());
    for (i, v) in claim.visits.iter().enumerate() {
        if !plausible(v.date) {
            return Err(ClaimError::invalid(
                format!("visits[{i}].date"),
                format!("{} is not a plausible service date (2000–2099)", v.date),
            ));
        }
    }
    for (i, h) in claim.facility.hours.iter().enumerate() {
        for (name, t) in [("open", &h.open), ("close", &h.close)] {
            if calendar::parse_hhmm(t).is_none() {
                return Err(ClaimError::invalid(
                    format!("facility.hours[{i}].{name}"),
                    format!("`{}` is not a time HH:MM", strict::clip(t)),
                ));
            }
        }
        if let Some(w) = h.weekdays.iter().find(|w| !(1..=7).contains(*w)) {
            return Err(ClaimError::invalid(
                format!("facility.hours[{i}].weekdays"),
                format!("weekday {w} is not 1 (Monday) … 7 (Sunday)"),
            ));
        }
    }
    for (i, s) in claim.facility.standards.iter().enumerate() {
        if s.code.is_none() && s.name.is_none() {
            return Err(ClaimError::invalid(
                format!("facility.standards[{i}]"),
                "a standard needs `code` or `name`",
            ));
        }
        if s.to.is_some_and(|t| t < s.from) {
            return Err(ClaimError::invalid(
                format!("facility.standards[{i}].to"),
                "`to` is before `from`",
            ));
        }
    }
    for (k, c) in claim.facility.capabilities.iter().enumerate() {
        if !KNOWN_CAPABILITIES.contains(&c.id.as_str()) {
            return Err(ClaimError::coded(
                "UNKNOWN_CAPABILITY",
                format!("facility.capabilities[{k}].id"),
                format!(
                    "`{}` is not a capability santei knows ({})",
                    strict::clip(&c.id),
                    KNOWN_CAPABILITIES.join(", ")
                ),
            ));
        }
        if c.to.is_some_and(|t| t < c.from) {
            return Err(ClaimError::invalid(
                format!("facility.capabilities[{k}].to"),
                "`to` is before `from`",
            ));
        }
    }
    for key in claim.facility.myna_rates.keys() {
        let b = key.as_bytes();
        let ok = b.len() == 7
            && b[4] == b'-'
            && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
            && matches!(key[5..].parse::<u8>(), Ok(1..=12));
        if !ok {
            return Err(ClaimError::invalid(
                format!("facility.myna_rates.{key}"),
                "month keys are YYYY-MM",
            ));
        }
    }
    for (k, h) in claim.history.iter().enumerate() {
        if Code::parse(&h.code).is_none() {
            return Err(ClaimError::invalid(
                format!("history[{k}].code"),
                format!("`{}` is not a master code (9 digits)", strict::clip(&h.code)),
            ));
        }
    }
    let mut out = Vec::with_capacity(claim.visits.len());
    for (i, v) in claim.visits.iter().enumerate() {
        let vp = || format!("visits[{i}]");
        if (v.date.year(), v.date.month()) != (first.year(), first.month()) {
            return Err(ClaimError::invalid(
                format!("{}.date", vp()),
                format!(
                    "{} is outside the claim month {} (one claim = one calendar month)",
                    v.date,
                    first.format("%Y-%m")
                ),
            ));
        }
        if claim.patient.birth_date > v.date {
            return Err(ClaimError::invalid(
                "patient.birth_date",
                format!(
                    "birth date {} is after the visit on {}",
                    claim.patient.birth_date, v.date
                ),
            ));
        }
        if let Some(t) = &v.time {
            if calendar::parse_hhmm(t).is_none_or(|m| m >= 24 * 60) {
                return Err(ClaimError::invalid(
                    format!("{}.time", vp()),
                    format!("`{}` is not a time HH:MM (00:00–23:59)", strict::clip(t)),
                ));
            }
        }
        let mut items = Vec::with_capacity(v.items.len());
        for (j, it) in v.items.iter().enumerate() {
            let ip = || format!("visits[{i}].items[{j}]");
            let code = Code::parse(&it.code).filter(|c| c.kind().is_some()).ok_or_else(|| {
                let msg = if Code::parse(&it.code).is_some() {
                    format!(
                        "no such code in the master set: `{}` (master codes start with 1 診療行為, 6 医薬品, 7 特定器材 or 8 コメント)",
                        it.code
                    )
                } else {
                    format!(
                        "`{}` is not a master code (9 digits: 1… 診療行為, 6… 医薬品, 7… 特定器材, 8… コメント)",
                        strict::clip(&it.code)
                    )
                };
                ClaimError::invalid(format!("{}.code", ip()), msg)
            })?;
            let Some(any) = set.lookup_any(code, v.date) else {
                let hist = set.history_any(code);
                let msg = if hist.is_empty() {
                    format!("unknown code {code}: no version in the master set ({})", set.origin)
                } else {
                    let vs: Vec<String> = hist
                        .iter()
                        .map(|h| {
                            format!(
                                "{}…{} {}",
                                h.valid_from(),
                                if h.valid_to() == masters::OPEN_END {
                                    "".into()
                                } else {
                                    h.valid_to().to_string()
                                },
                                h.name()
                            )
                        })
                        .collect();
                    format!(
                        "code {code} has no version valid on {}; versions: {}",
                        v.date,
                        vs.join("; ")
                    )
                };
                return Err(ClaimError::invalid(format!("{}.code", ip()), msg));
            };
            let transition = match any {
                AnyVersion::Y(y) => y.row.transition_date,
                AnyVersion::T(t) => t.row.transition_date,
                _ => None,
            };
            if let Some(t) = transition {
                if v.date > t {
                    return Err(ClaimError::invalid(
                        format!("{}.code", ip()),
                        format!("code {code}: 経過措置 ended on {t}; not billable on {}", v.date),
                    ));
                }
            }
            items.push(ParsedItem { idx: j, code, v: any });
        }
        out.push(items);
    }
    Ok(out)
}

/// The bounds of `docs/limits.md` (constants in [`strict`]): counts, quantities, days, rates and
/// text lengths. Checked before anything else, so no later sum can wrap and no claim costs more
/// than linear work in a bounded size.
fn bounds(claim: &Claim) -> Result<(), ClaimError> {
    use strict::*;
    let too_long = |path: String, s: &str| -> Result<(), ClaimError> {
        if s.chars().count() > MAX_TEXT {
            return Err(ClaimError::invalid(
                path,
                format!("longer than {MAX_TEXT} characters: `{}`", clip(s)),
            ));
        }
        Ok(())
    };
    if claim.visits.len() > MAX_VISITS {
        return Err(ClaimError::invalid(
            "visits",
            format!(
                "{} visits: a claim (one patient-month) holds at most {MAX_VISITS}",
                claim.visits.len()
            ),
        ));
    }
    if claim.history.len() > MAX_HISTORY {
        return Err(ClaimError::invalid(
            "history",
            format!("{} history lines: at most {MAX_HISTORY}", claim.history.len()),
        ));
    }
    if let Some(id) = &claim.id {
        too_long("id".into(), id)?;
    }
    if claim.facility.beds > MAX_BEDS {
        return Err(ClaimError::invalid(
            "facility.beds",
            format!("{} beds: at most {MAX_BEDS}", claim.facility.beds),
        ));
    }
    for (key, rate) in &claim.facility.myna_rates {
        if *rate < Decimal::ZERO || *rate > Decimal::ONE_HUNDRED {
            return Err(ClaimError::invalid(
                format!("facility.myna_rates.{}", clip(key)),
                format!("{rate} is not a percentage (0–100)"),
            ));
        }
    }
    for (k, h) in claim.history.iter().enumerate() {
        if h.count == 0 || h.count > MAX_HISTORY_COUNT {
            return Err(ClaimError::invalid(
                format!("history[{k}].count"),
                format!("{} is not a count of 1–{MAX_HISTORY_COUNT}", h.count),
            ));
        }
    }
    let mut items = 0usize;
    for (i, v) in claim.visits.iter().enumerate() {
        if v.items.len() > MAX_ITEMS_PER_VISIT {
            return Err(ClaimError::invalid(
                format!("visits[{i}].items"),
                format!("{} items: a visit lists at most {MAX_ITEMS_PER_VISIT}", v.items.len()),
            ));
        }
        items += v.items.len();
        if items > MAX_ITEMS_PER_CLAIM {
            return Err(ClaimError::invalid(
                format!("visits[{i}].items"),
                format!("more than {MAX_ITEMS_PER_CLAIM} items in the claim"),
            ));
        }
        if let Some(dep) = &v.department {
            too_long(format!("visits[{i}].department"), dep)?;
        }
        for (j, it) in v.items.iter().enumerate() {
            let ip = |f: &str| format!("visits[{i}].items[{j}].{f}");
            if let Some(q) = it.quantity {
                if q <= Decimal::ZERO || q > Decimal::from(MAX_QUANTITY) {
                    return Err(ClaimError::invalid(
                        ip("quantity"),
                        format!("{q} is not a quantity: more than 0 and at most {MAX_QUANTITY}"),
                    ));
                }
                if q.normalize().scale() > MAX_QUANTITY_SCALE {
                    return Err(ClaimError::invalid(
                        ip("quantity"),
                        format!("{q} has more than {MAX_QUANTITY_SCALE} decimal places"),
                    ));
                }
            }
            for (name, n) in [("days", it.days), ("count", it.count)] {
                if let Some(n) = n {
                    if n == 0 || n > MAX_DAYS {
                        return Err(ClaimError::invalid(
                            ip(name),
                            format!("{name} must be 1–{MAX_DAYS}, not {n}"),
                        ));
                    }
                }
            }
            too_long(ip("code"), &it.code)?;
            if let Some(rp) = &it.rp {
                too_long(ip("rp"), rp)?;
            }
            if let Some(sp) = &it.specimen {
                too_long(ip("specimen"), sp)?;
            }
        }
    }
    Ok(())
}

/// Whether an 医科診療行為 row is a base fee of A000–A002 (初診料/再診料/外来診療料 and variants).
fn is_base_row(p: &Procedure) -> bool {
    p.tbl_alpha == 'A'
        && p.tbl_kubun <= 2
        && matches!(p.kokuji1, b'1' | b'3' | b'5')
        && matches!(p.sum_target_out, 110 | 120)
        && p.chu_kasan_seq == b'0'
}

/// 小児科外来診療料 (B001-2) and 小児かかりつけ診療料 (B001-2-11) include 初診料/再診料 (R6告示
/// B001-2 注, B001-2-11 注3; H). The master files them under 区分 B001 枝番 02 with 項番 001/002
/// (小児科外来診療料 1/2) and 019 (小児かかりつけ診療料) — s_ALL20240531 cols 85, 92–94, checked.
fn is_pediatric_bundle(p: &Procedure) -> bool {
    p.tbl_alpha == 'B'
        && p.tbl_kubun == 1
        && p.tbl_eda == 2
        && matches!(p.tbl_kouban, 1 | 2 | 19)
        && p.kokuji1 == b'1'
        && p.sum_target_out == 130
}

/// Whether the patient's age on `d` is within the row's 下限年齢/上限年齢 (cols 41/42).
fn age_fits(ctx: &Ctx<'_>, p: &Procedure, d: NaiveDate) -> bool {
    ctx.below(&p.age_upper, d) && ctx.at_least(&p.age_lower, d)
}

fn base_kind_of_code(code: u32, fallback_kubun: u16) -> BaseKind {
    use BaseKind::*;
    for k in [
        First,
        FirstSecondDept,
        Revisit,
        RevisitSameDay,
        RevisitSecondDept,
        Gairai,
        GairaiSameDay,
        GairaiSecondDept,
    ] {
        if k.code(false) == code {
            return k;
        }
    }
    if Phone.code(false) == code || Phone.code(true) == code {
        return Phone;
    }
    match fallback_kubun {
        0 => First,
        2 => Gairai,
        _ => Revisit,
    }
}

pub(crate) fn run(eng: &Engine, claim: &Claim, opts: Options) -> Result<Outcome, ClaimError> {
    let set: &MasterSet = &eng.masters;
    let parsed = validate(set, claim)?;
    let history: Vec<Billed> = claim
        .history
        .iter()
        .filter_map(|h| {
            Code::parse(&h.code).map(|code| Billed {
                date: h.date,
                code,
                count: h.count,
            })
        })
        .collect();
    let standards = crate::standards::resolve(claim, &eng.index.standard_codes)?;
    let ctx = Ctx {
        claim,
        history,
        standards,
    };
    let mut st = St {
        lines: Vec::new(),
        removed: Vec::new(),
        diags: Vec::new(),
        billed: Vec::new(),
        files: BTreeSet::new(),
        trace: opts.trace,
        visit_start: 0,
    };
    for (k, h) in ctx.history.iter().enumerate() {
        if set.s.history(h.code).is_empty() && set.y.history(h.code).is_empty() {
            st.diag(
                Level::Info,
                "HISTORY_CODE_UNKNOWN",
                format!("history code {} is not in the master set", h.code),
                format!("history[{k}].code"),
            );
        }
    }
    let mut order: Vec<usize> = (0..claim.visits.len()).collect();
    order.sort_by_key(|&i| {
        (
            claim.visits[i].date,
            claim.visits[i]
                .time
                .as_deref()
                .and_then(calendar::parse_hhmm)
                .unwrap_or(0),
            i,
        )
    });
    let mut bases: Vec<Option<BaseKind>> = vec![None; claim.visits.len()];
    // Visits of the same day are contiguous in `order`: each day's slice is found once, and
    // `earlier` grows within it (linear over the claim).
    let mut start = 0;
    while start < order.len() {
        let date = claim.visits[order[start]].date;
        let len = order[start..]
            .iter()
            .take_while(|&&j| claim.visits[j].date == date)
            .count();
        let same_day = &order[start..start + len];
        let mut earlier: Vec<kihon::Earlier<'_>> = Vec::new();
        for &i in same_day {
            bases[i] = visit(eng, set, &ctx, &mut st, i, &parsed[i], &parsed, same_day, &earlier);
            earlier.push(kihon::Earlier {
                department: claim.visits[i].department.as_deref(),
                base: bases[i],
            });
        }
        start += len;
    }
    finish_month(set, &ctx, &mut st, &parsed);
    // The 電子点数表 checking stage (包括, 背反, 算定回数) on everything billed.
    st.lines = rules::tensuhyo_check::check(
        &set.tensuhyo,
        std::mem::take(&mut st.lines),
        &mut st.removed,
        &mut st.diags,
        &ctx.history,
    );
    // The revision boundary: a date under a revision the set's s master does not cover.
    st.diags.extend(eng.coverage.diagnostic(claim.visits[0].date));
    // Checked sums: the bounds make an overflow impossible for real prices, and should a master
    // row carry an absurd value the claim fails with the line's path instead of wrapping.
    let mut sections_map: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0i64;
    for l in &st.lines {
        let overflow = || {
            ClaimError::invalid(
                l.path.clone().unwrap_or_else(|| format!("visits[{}]", l.visit)),
                format!(
                    "the points of {} ({} × {}) overflow the claim's total",
                    l.code, l.points, l.count
                ),
            )
        };
        let p = l.points.checked_mul(i64::from(l.count)).ok_or_else(overflow)?;
        total = total.checked_add(p).ok_or_else(overflow)?;
        let sec = sections_map.entry(l.section.to_string()).or_default();
        *sec = sec.checked_add(p).ok_or_else(overflow)?;
    }
    let masters_used = st
        .files
        .iter()
        .map(|&f| {
            let fi = &set.files[f as usize];
            MasterFileRef {
                file: fi.name.clone(),
                sha256: fi.sha256.clone(),
                supplement: fi.layer == masters::Layer::Supplement,
            }
        })
        .collect();
    Ok(Outcome {
        id: claim.id.clone(),
        total_points: total,
        lines: st.lines,
        removed: st.removed,
        diagnostics: st.diags,
        masters: masters_used,
        sections: sections_map,
        burden: None,
    })
}

#[allow(clippy::too_many_arguments)]
fn visit(
    eng: &Engine,
    set: &MasterSet,
    ctx: &Ctx<'_>,
    st: &mut St,
    i: usize,
    items: &[ParsedItem<'_>],
    all_items: &[Vec<ParsedItem<'_>>],
    same_day: &[usize],
    earlier: &[kihon::Earlier<'_>],
) -> Option<BaseKind> {
    st.visit_start = st.lines.len();
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    let mut consumed = vec![false; v.items.len()];

    // --- base fee -------------------------------------------------------------------------
    let explicit_base = items
        .iter()
        .find(|it| matches!(it.v, AnyVersion::S(s) if is_base_row(&s.row)));
    // A listed 小児科外来診療料 / 小児かかりつけ診療料 includes the base fee only when it is itself
    // billable by age (the row's 上限年齢: R6告示 B001-2 注1 「６歳未満の乳幼児に限る」); a patient
    // past it gets the base fee and the other items, and the bundle row is removed for its age.
    let bundle = items
        .iter()
        .find(|it| matches!(it.v, AnyVersion::S(s) if is_pediatric_bundle(&s.row) && age_fits(ctx, &s.row, d)));
    let (mut kind, note) = kihon::choose(v.kind, v.phone, ctx.large_hospital(), v.department.as_deref(), earlier);
    if let Some((code, msg)) = note {
        st.diag(Level::Warning, code, msg, format!("{vp}.kind"));
    }
    let mut base_row: Option<&Version<Procedure>> = None;
    let mut base_origin = Origin::Derived;
    let mut base_path = None;
    if let Some(eb) = explicit_base {
        let AnyVersion::S(s) = eb.v else { unreachable!() };
        let k = base_kind_of_code(eb.code.0, s.row.tbl_kubun);
        if kind.is_some_and(|dk| dk.code(false) != eb.code.0 && dk.is_first() != k.is_first()) {
            st.diag(
                Level::Warning,
                "BASE_KIND_MISMATCH",
                format!(
                    "listed base {} ({}) does not match visit kind {:?}",
                    eb.code, s.row.name, v.kind
                ),
                ipath(eb.idx),
            );
        }
        kind = Some(k);
        base_row = Some(s);
        base_origin = Origin::Input;
        base_path = Some(ipath(eb.idx));
        consumed[eb.idx] = true;
    } else if let Some(k) = kind {
        if let Some(b) = bundle {
            st.diag(
                Level::Info,
                "BASE_BUNDLED",
                format!(
                    "初診料/再診料 are included in {} (B001-2): no base fee line",
                    b.v.name()
                ),
                ipath(b.idx),
            );
        } else {
            let code = Code(k.code(k == BaseKind::Phone && earlier.iter().any(|e| e.base.is_some())));
            match set.s.lookup(code, d) {
                Some(row) => base_row = Some(row),
                None => st.diag(
                    Level::Error,
                    "BASE_NOT_IN_MASTER",
                    format!("base fee {code} ({:?}) has no master version valid on {d}", k),
                    format!("{vp}.kind"),
                ),
            }
        }
    }
    if kind.is_some() && v.kind == VisitKind::None && explicit_base.is_none() {
        kind = None;
    }
    if let (Some(k), Some(row)) = (kind, base_row) {
        let detail = st.detail(|| {
            format!(
                "visit kind {:?}, {}, department {:?}",
                v.kind,
                if ctx.large_hospital() {
                    "hospital ≥200 beds"
                } else if ctx.is_clinic() {
                    "clinic"
                } else {
                    "hospital <200 beds"
                },
                v.department
            )
        });
        push_s(
            set,
            st,
            d,
            i,
            row,
            1,
            base_origin,
            rules::RuleId {
                id: k.rule(),
                source: k.source(),
            },
            detail,
            base_path.clone(),
            None,
        );
    }

    // --- time class, 注加算, DX family -----------------------------------------------------
    let (class, class_why, assumed) = jikan::classify(ctx, v);
    match assumed {
        Some("NO_HOURS") if !st.diags.iter().any(|d| d.code == "NO_HOURS") => st.diag(
            Level::Info,
            "NO_HOURS",
            "facility.hours not given: the standard hours (weekdays 08:00–18:00, Saturday 08:00–12:00) were assumed",
            "facility.hours",
        ),
        Some("NOT_URGENT") => st.diag(
            Level::Info,
            "NOT_URGENT",
            format!("{vp}: outside 表示診療時間 but `urgent` is false: no 時間外/休日/深夜加算 (R6通知 A000(18)–(21))"),
            format!("{vp}.urgent"),
        ),
        _ => {}
    }
    let mut decisions: Vec<chu_kasan::Decision<'_>> = Vec::new();
    if let (Some(k), Some(row)) = (kind, base_row) {
        let inp = chu_kasan::Input {
            date: d,
            base: k,
            base_row: row,
            class,
            history: &ctx.history,
            claim: &st.billed,
        };
        let listed = |c: Code| items.iter().any(|it| it.code == c);
        decisions = chu_kasan::derive(set, &eng.index, ctx, &inp, st.trace, &listed);
    }
    let mut dx = iryo_dx::Result::default();
    if let Some(k) = kind {
        let standards_of = |code: u32| -> Vec<u16> {
            set.s
                .lookup(Code(code), d)
                .map(|r| r.row.facility_standards.clone())
                .unwrap_or_default()
        };
        let inp = iryo_dx::Input {
            date: d,
            base: k,
            myna: v.myna,
            kanri: bundle.is_some(),
            history: &ctx.history,
            claim: &st.billed,
            standards_of: &standards_of,
        };
        dx = iryo_dx::derive(ctx, &inp);
    }
    for n in &dx.notes {
        st.diag(n.level, n.code, n.message.clone(), vp.clone());
    }
    // Listed family codes: explicit DX/医療情報 codes win (with a warning when they contradict).
    let family_items: Vec<&ParsedItem<'_>> = items
        .iter()
        .filter(|it| !consumed[it.idx] && iryo_dx::is_family(it.code.0))
        .collect();
    for it in family_items {
        let AnyVersion::S(row) = it.v else { continue };
        consumed[it.idx] = true;
        let same = dx.picks.iter().position(|p| p.code == it.code.0);
        let group = iryo_dx::limit_group(it.code.0).unwrap_or(iryo_dx::JOHO_CODES);
        let in_group = |c: u32| group.contains(&c);
        if kind.is_none_or(|k| k.second_dept() || k == BaseKind::Phone) {
            removed_s(
                set,
                st,
                d,
                row,
                1,
                Origin::Input,
                "iryo-dx",
                "R6告示 A000注5, A001注3/注9",
                "not on a ２科目 / 電話等再診 / no-base visit".into(),
                Some(ipath(it.idx)),
            );
            continue;
        }
        if same.is_none() {
            if let Some(b) = monthly::already_billed(group, d, monthly::Window::Month, &ctx.history, &st.billed) {
                removed_s(
                    set,
                    st,
                    d,
                    row,
                    1,
                    Origin::Input,
                    "monthly",
                    "R6告示 A000注15/16 (月1回)",
                    format!("already billed this month ({} on {}): 月1回", b.code, b.date),
                    Some(ipath(it.idx)),
                );
                continue;
            }
            if iryo_dx::JOHO_REVISIT_CODES.contains(&it.code.0) {
                if let Some(b) = monthly::already_billed(
                    iryo_dx::JOHO_REVISIT_CODES,
                    d,
                    monthly::Window::ThreeMonths,
                    &ctx.history,
                    &st.billed,
                ) {
                    removed_s(
                        set,
                        st,
                        d,
                        row,
                        1,
                        Origin::Input,
                        "monthly",
                        "R6告示 A001注19, A002注10 (3月に1回)",
                        format!("billed on {} ({}): 3月に1回", b.date, b.code),
                        Some(ipath(it.idx)),
                    );
                    continue;
                }
            }
        }
        let (detail, rule) = match same {
            Some(p) => {
                let p = dx.picks.remove(p);
                (
                    st.detail(|| p.detail.clone()),
                    rules::RuleId {
                        id: p.rule,
                        source: p.source,
                    },
                )
            }
            None => {
                let facts: Vec<String> = dx
                    .picks
                    .iter()
                    .filter(|p| in_group(p.code))
                    .map(|p| p.code.to_string())
                    .collect();
                dx.picks.retain(|p| !in_group(p.code));
                st.diag(
                    Level::Warning,
                    "DX_EXPLICIT_DIFFERS",
                    format!(
                        "listed {} ({}) differs from what the facts give ({}); billed as listed",
                        it.code,
                        row.row.name,
                        if facts.is_empty() {
                            "none".into()
                        } else {
                            facts.join(", ")
                        }
                    ),
                    ipath(it.idx),
                );
                (
                    None,
                    rules::RuleId {
                        id: "iryo-dx-listed",
                        source: "R6告示 A000注15/16; claim lists the code",
                    },
                )
            }
        };
        push_s(
            set,
            st,
            d,
            i,
            row,
            1,
            Origin::Input,
            rule,
            detail,
            Some(ipath(it.idx)),
            None,
        );
    }
    for p in std::mem::take(&mut dx.picks) {
        push_derived(
            set,
            st,
            d,
            i,
            p.code,
            rules::RuleId {
                id: p.rule,
                source: p.source,
            },
            &p.detail,
            &vp,
        );
    }
    // 注加算 decisions, reconciled with listed add-ons.
    for dec in &decisions {
        let listed = items.iter().find(|it| !consumed[it.idx] && it.code == dec.code);
        if let Some(it) = listed {
            consumed[it.idx] = true;
        }
        let path = listed.map(|it| ipath(it.idx));
        let origin = if listed.is_some() {
            Origin::Input
        } else {
            Origin::Derived
        };
        if dec.chosen {
            let detail = st.detail(|| dec.why.clone());
            push_s(
                set,
                st,
                d,
                i,
                dec.v,
                1,
                origin,
                rules::RuleId {
                    id: dec.rule,
                    source: dec.source,
                },
                detail,
                path,
                None,
            );
        } else if listed.is_some() {
            if dec.listable {
                let p = &dec.v.row;
                let stds_ok =
                    p.facility_standards.is_empty() || p.facility_standards.iter().any(|s| ctx.has_standard(*s, d));
                let month = monthly::family_of(dec.code.0).and_then(|f| {
                    monthly::already_billed(f.codes, d, monthly::Window::Month, &ctx.history, &st.billed)
                });
                if !stds_ok {
                    removed_s(
                        set,
                        st,
                        d,
                        dec.v,
                        1,
                        origin,
                        dec.rule,
                        dec.source,
                        format!("no 届出 of 施設基準 {:?} on {d}", p.facility_standards),
                        path,
                    );
                } else if let Some(b) = month {
                    removed_s(
                        set,
                        st,
                        d,
                        dec.v,
                        1,
                        origin,
                        "monthly",
                        dec.source,
                        format!("already billed this month ({} on {}): 月1回", b.code, b.date),
                        path,
                    );
                } else {
                    let detail = st.detail(|| "listed; 施設基準 and limits checked".to_string());
                    push_s(
                        set,
                        st,
                        d,
                        i,
                        dec.v,
                        1,
                        origin,
                        rules::RuleId {
                            id: "chu-kasan-listed",
                            source: dec.source,
                        },
                        detail,
                        path,
                        None,
                    );
                }
            } else {
                removed_s(
                    set,
                    st,
                    d,
                    dec.v,
                    1,
                    origin,
                    dec.rule,
                    dec.source,
                    dec.why.clone(),
                    path,
                );
            }
        }
    }
    if st.trace {
        let start = st.visit_start;
        if let Some(l) = st.lines[start..]
            .iter_mut()
            .rev()
            .find(|l| l.visit == i && matches!(l.reason.rule.as_ref(), "chu-kasan-time-age"))
        {
            if let Some(dt) = l.reason.detail.as_mut() {
                dt.push_str("; ");
                dt.push_str(&class_why);
            }
        }
    }

    // --- 外来管理加算 -----------------------------------------------------------------------
    let gk_code = eng.index.gairai_kanri_kasan.iter().find_map(|c| set.s.lookup(*c, d));
    if let Some(gk) = gk_code {
        let listed = items.iter().find(|it| !consumed[it.idx] && it.code == gk.row.code);
        if let Some(it) = listed {
            consumed[it.idx] = true;
        }
        if v.management || listed.is_some() {
            let blocking = same_day
                .iter()
                .flat_map(|&j| all_items[j].iter())
                .find_map(|it| match it.v {
                    AnyVersion::S(s) if s.row.gairai_kanri == 1 && !is_base_row(&s.row) => {
                        Some(format!("{} {}", s.row.code, s.row.name))
                    }
                    _ => None,
                });
            let revisit = kind.is_some_and(|k| {
                matches!(
                    k,
                    BaseKind::Revisit
                        | BaseKind::RevisitSameDay
                        | BaseKind::RevisitSecondDept
                        | BaseKind::Phone
                        | BaseKind::Gairai
                        | BaseKind::GairaiSameDay
                        | BaseKind::GairaiSecondDept
                )
            });
            let why = gairai_kanri::blocked(
                revisit,
                kind == Some(BaseKind::Phone),
                kind.is_some_and(|k| k.second_dept()),
                base_row.is_some_and(|b| b.row.gairai_kanri == 1),
                blocking,
            );
            let path = listed
                .map(|it| ipath(it.idx))
                .or_else(|| Some(format!("{vp}.management")));
            let origin = if listed.is_some() {
                Origin::Input
            } else {
                Origin::Derived
            };
            match why {
                Some(why) => removed_s(
                    set,
                    st,
                    d,
                    gk,
                    1,
                    origin,
                    "gairai-kanri",
                    "R6告示 A001注8; R6施設告示 第三 四",
                    why,
                    path,
                ),
                None => {
                    let detail = st.detail(|| "management given; no excluding item on the day".to_string());
                    push_s(
                        set,
                        st,
                        d,
                        i,
                        gk,
                        1,
                        origin,
                        rules::RuleId {
                            id: "gairai-kanri",
                            source: "R6告示 A001注8",
                        },
                        detail,
                        path,
                        None,
                    );
                }
            }
        }
    }

    // --- listed items ----------------------------------------------------------------------
    price_items(
        set,
        ctx,
        st,
        i,
        items,
        &mut consumed,
        kind.is_some() || explicit_base.is_some(),
    );
    kind
}

/// Bills a code a rule derived, from the master row valid on `d`; a code without a version on
/// that date is reported (e.g. 医療情報・システム基盤整備体制充実加算３ existed only 2023-04 … 2023-12:
/// outside its validity the 加算 does not exist, and the master says so).
#[allow(clippy::too_many_arguments)]
fn push_derived(
    set: &MasterSet,
    st: &mut St,
    d: NaiveDate,
    visit: usize,
    code: u32,
    rule: rules::RuleId,
    why: &str,
    vp: &str,
) {
    match set.s.lookup(Code(code), d) {
        Some(row) => {
            let detail = st.detail(|| why.to_string());
            push_s(set, st, d, visit, row, 1, Origin::Derived, rule, detail, None, None);
        }
        None => st.diag(
            Level::Info,
            "CODE_NOT_VALID_ON_DATE",
            format!("{}: {code} has no master version valid on {d}; not billed", rule.id),
            vp.to_string(),
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn push_s(
    set: &MasterSet,
    st: &mut St,
    d: NaiveDate,
    visit: usize,
    row: &Version<Procedure>,
    count: u32,
    origin: Origin,
    rule: rules::RuleId,
    detail: Option<String>,
    path: Option<String>,
    rp: Option<String>,
) {
    let points = match procedure_points(&row.row) {
        Some(p) => p,
        None => {
            st.diag(
                Level::Warning,
                "POINT_KIND_NOT_COMPUTED",
                format!(
                    "{} {}: 点数識別 {:?} is not computed yet; billed at 0",
                    row.row.code, row.row.name, row.row.point_kind
                ),
                path.clone().unwrap_or_default(),
            );
            0
        }
    };
    let section: crate::outcome::Text = sections::section_of(row.row.sum_target_out).unwrap_or("80").into();
    let master = mref(set, &mut st.files, row.origin, row.valid_from, row.valid_to);
    st.billed.push(Billed {
        date: d,
        code: row.row.code,
        count,
    });
    st.lines.push(Line {
        date: d,
        code: row.row.code.to_string(),
        name: row.row.name.clone(),
        points,
        count,
        section,
        origin,
        reason: Reason {
            rule: rule.id.into(),
            source: rule.source.into(),
            master: Some(master),
            detail,
        },
        path,
        visit,
        rp,
    });
}

#[allow(clippy::too_many_arguments)]
fn removed_s(
    set: &MasterSet,
    st: &mut St,
    d: NaiveDate,
    row: &Version<Procedure>,
    count: u32,
    origin: Origin,
    rule: &str,
    source: &str,
    why: String,
    path: Option<String>,
) {
    let master = mref(set, &mut st.files, row.origin, row.valid_from, row.valid_to);
    st.removed.push(Removed {
        date: d,
        code: row.row.code.to_string(),
        name: row.row.name.clone(),
        points: procedure_points(&row.row).unwrap_or(0),
        count,
        origin,
        reason: Reason {
            rule: rule.to_string().into(),
            source: source.to_string().into(),
            master: Some(master),
            detail: Some(why),
        },
        path,
    });
}

fn usage_of(it: &crate::claim::Item, form: DosageForm) -> (Usage, bool) {
    match it.usage {
        Some(u) => (u, false),
        None => (
            match form {
                DosageForm::External => Usage::External,
                DosageForm::Injection => Usage::Injection,
                _ => Usage::Internal,
            },
            true,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn price_items(
    set: &MasterSet,
    ctx: &Ctx<'_>,
    st: &mut St,
    i: usize,
    items: &[ParsedItem<'_>],
    consumed: &mut [bool],
    has_base: bool,
) {
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    // The section of each rp group's procedure, if it has one.
    let mut rp_section: BTreeMap<&str, &'static str> = BTreeMap::new();
    for it in items {
        if let (AnyVersion::S(s), Some(rp)) = (it.v, v.items[it.idx].rp.as_deref()) {
            if s.row.tbl_alpha != 'F' {
                if let Some(sec) = sections::section_of(s.row.sum_target_out) {
                    rp_section.entry(rp).or_insert(sec);
                }
            }
        }
    }
    // --- visit context: 外来診療料 bundle, pediatric bundle -----------------------------------
    let gairai = visit_base_is_gairai(set, st, i, d);
    let gairai_bundle = gairai && gairai_hokatsu::gairai_bundle_enabled(set) && d >= gairai_hokatsu::FROM;
    if gairai && d < gairai_hokatsu::FROM {
        st.diag(
            Level::Info,
            "BUNDLE_NOT_DATED",
            "外来診療料 bundle (A002注6) is coded from 2022-04-01 only: nothing bundled",
            vp.clone(),
        );
    }
    let pediatric = items.iter().find_map(|it| match it.v {
        AnyVersion::S(s) if !consumed[it.idx] && age_fits(ctx, &s.row, d) => {
            igaku_kanri::PediatricBundle::of(s.row.code.0)
        }
        _ => None,
    });
    // --- 年齢加算 of listed items (cols 100–111): which listed add-ons a base claims ----------
    let mut age_adds: Vec<(usize, &Version<Procedure>)> = Vec::new(); // (base idx, 加算 row)
    for it in items {
        let AnyVersion::S(s) = it.v else { continue };
        if consumed[it.idx] || s.row.tbl_alpha == 'F' || is_base_row(&s.row) {
            continue;
        }
        for ak in &s.row.age_kasan {
            if !(ctx.at_least(&ak.lower, d) && ctx.below(&ak.upper, d)) {
                continue;
            }
            match set.s.lookup(ak.code, d) {
                Some(row) if procedure_points(&row.row).is_some() => age_adds.push((it.idx, row)),
                Some(row) => st.diag(
                    Level::Info,
                    "AGE_KASAN_NOT_DERIVED",
                    format!(
                        "{} {}: 点数識別 {:?} is not derived; list it",
                        row.row.code, row.row.name, row.row.point_kind
                    ),
                    ipath(it.idx),
                ),
                None => {}
            }
        }
    }
    let mut age_claimed: BTreeMap<usize, usize> = BTreeMap::new(); // listed 加算 idx → base idx
    for (base, row) in &age_adds {
        if let Some(it) = items
            .iter()
            .find(|it| !consumed[it.idx] && it.code == row.row.code && !age_claimed.contains_key(&it.idx))
        {
            age_claimed.insert(it.idx, *base);
        }
    }
    // 処置乳幼児加算区分 of the listed 処置 that are billed (for the check of a listed 加算)
    let shochi_bases: Vec<u8> = items
        .iter()
        .filter_map(|it| match it.v {
            AnyVersion::S(s)
                if s.row.shochi_infant != 0
                    && !matches!(s.row.kokuji1, b'7' | b'9')
                    && !(gairai_bundle && gairai_hokatsu::bundled(&s.row).is_some()) =>
            {
                Some(s.row.shochi_infant)
            }
            _ => None,
        })
        .collect();
    let inj_drugs: Vec<&masters::Drug> = items
        .iter()
        .filter_map(|it| match it.v {
            AnyVersion::Y(y) if y.row.dosage_form == DosageForm::Injection => Some(&y.row),
            _ => None,
        })
        .collect();
    let mut listed_f: Vec<&ParsedItem<'_>> = Vec::new();
    let mut drug_groups: BTreeMap<String, Vec<&ParsedItem<'_>>> = BTreeMap::new();
    for it in items {
        if consumed[it.idx] {
            continue;
        }
        consumed[it.idx] = true;
        if age_claimed.contains_key(&it.idx) {
            continue; // billed or removed with its base
        }
        let item = &v.items[it.idx];
        let path = Some(ipath(it.idx));
        match it.v {
            AnyVersion::S(s) => {
                let p = &s.row;
                let count = item.count.unwrap_or(1);
                let reject = |why: String| why;
                let why = if p.in_out == InOut::InpatientOnly {
                    Some(reject(
                        "入院のみ (入外適用区分 1): not billable on an outpatient claim".into(),
                    ))
                } else if sections::section_of(p.sum_target_out).is_none() {
                    Some("点数欄集計先識別（入院外） 0: not billable as an outpatient".into())
                } else if p.hosp_clinic == HospClinic::ClinicOnly && !ctx.is_clinic() {
                    Some("診療所のみ (病院・診療所区分 2)".into())
                } else if p.hosp_clinic == HospClinic::HospitalOnly && ctx.is_clinic() {
                    Some("病院のみ (病院・診療所区分 1)".into())
                } else if !(ctx.below(&p.age_upper, d) && ctx.at_least(&p.age_lower, d)) {
                    Some(format!(
                        "age {} outside the item's age limits ({:?} … {:?})",
                        ctx.age_years(d),
                        p.age_lower,
                        p.age_upper
                    ))
                } else if is_base_row(p) && has_base {
                    Some("one base fee per visit (R6告示 第1部 通則1)".into())
                } else {
                    None
                };
                if let Some(why) = why {
                    remove_with_adds(
                        set,
                        st,
                        d,
                        s,
                        count,
                        "master-check",
                        "医科診療行為マスター",
                        why,
                        path,
                        it.idx,
                        &age_claimed,
                        items,
                        &ipath,
                    );
                    continue;
                }
                if p.tbl_alpha == 'F' {
                    listed_f.push(it);
                    continue;
                }
                if let Some(b) = pediatric {
                    if igaku_kanri::PediatricBundle::of(p.code.0).is_none() && !igaku_kanri::kept_beside(b, p) {
                        remove_with_adds(
                            set,
                            st,
                            d,
                            s,
                            count,
                            "B001-2-hokatsu",
                            b.source(),
                            format!(
                                "included in {} on this visit",
                                if b == igaku_kanri::PediatricBundle::Gairai {
                                    "小児科外来診療料"
                                } else {
                                    "小児かかりつけ診療料"
                                }
                            ),
                            path,
                            it.idx,
                            &age_claimed,
                            items,
                            &ipath,
                        );
                        continue;
                    }
                }
                if p.jisshi_handan == 2 {
                    continue; // 判断料: month pass (kensa)
                }
                if gairai_bundle {
                    if let Some(why) = gairai_hokatsu::bundled(p) {
                        remove_with_adds(
                            set,
                            st,
                            d,
                            s,
                            count,
                            "A002-hokatsu",
                            "R6告示 A002注6; R6通知 A002(12) (hand-coded until the 02包括テーブル)",
                            format!("included in 外来診療料: {why}"),
                            path,
                            it.idx,
                            &age_claimed,
                            items,
                            &ipath,
                        );
                        continue;
                    }
                }
                if let Some((rule, source, why)) = listed_check(set, ctx, st, i, p, count, &shochi_bases, &inj_drugs) {
                    remove_with_adds(
                        set,
                        st,
                        d,
                        s,
                        count,
                        rule,
                        source,
                        why,
                        path,
                        it.idx,
                        &age_claimed,
                        items,
                        &ipath,
                    );
                    continue;
                }
                let mut quantity = item.quantity;
                if p.code.0 == kensa::JINSOKU {
                    // 項目数 = quantity (データ規格 項目); 5 a day over the day's visits
                    let so_far: Decimal = st
                        .lines
                        .iter()
                        .filter(|l| l.date == d && l.code.parse::<u32>() == Ok(p.code.0))
                        .filter_map(|l| {
                            l.path
                                .as_deref()
                                .and_then(path_indices)
                                .and_then(|(a, b)| ctx.claim.visits.get(a)?.items.get(b)?.quantity)
                        })
                        .sum();
                    let room = (Decimal::from(kensa::JINSOKU_MAX_PER_DAY) - so_far).max(Decimal::ZERO);
                    if let Some(q) = quantity.filter(|q| *q > room) {
                        removed_s(
                            set,
                            st,
                            d,
                            s,
                            (q - room).to_u32().unwrap_or(1),
                            Origin::Input,
                            "kensa-jinsoku",
                            "R6告示 第3部第1節第1款 通則3 (5項目を限度)",
                            format!(
                                "外来迅速検体検査加算: {q} items listed, at most {} a day ({so_far} earlier today)",
                                kensa::JINSOKU_MAX_PER_DAY
                            ),
                            path.clone(),
                        );
                        quantity = Some(room);
                    }
                    st.diag(
                        Level::Info,
                        "JINSOKU_LIST_UNCHECKED",
                        "外来迅速検体検査加算 kept as listed: the eligible-test list (特掲施設基準) is not coded (L)",
                        ipath(it.idx),
                    );
                    if quantity == Some(Decimal::ZERO) {
                        continue;
                    }
                }
                let mut points_override = None;
                let mut detail = None;
                if let Some(step) = &p.step {
                    if let Some(cap) = quantity.and_then(|q| pricing::step_clamp(step, q)) {
                        st.diag(Level::Info, "STEP_CAPPED", format!("{} {}: quantity {} above the master's 上限 {cap}; priced at {cap} (きざみ値 エラー処理 1)", p.code, p.name, quantity.unwrap_or_default()), format!("{}.quantity", ipath(it.idx)));
                        quantity = Some(cap);
                    }
                    match quantity.and_then(|q| pricing::step_points(step, p.points, q).map(|pts| (q, pts))) {
                        Some((q, pts)) => {
                            points_override = pts
                                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                                .to_i64();
                            detail = st.detail(|| format!("きざみ値: quantity {q} → {pts} points (点数 {}, 下限 {}, 上限 {}, きざみ {} × {}; 四捨五入)", p.points, step.lower, step.upper, step.step, step.step_points));
                        }
                        None => {
                            st.diag(
                                Level::Error,
                                "STEP_QUANTITY",
                                format!(
                                    "{} {}: needs a quantity in ({}, {}] (きざみ値)",
                                    p.code,
                                    p.name,
                                    step.lower as i64 - step.step as i64,
                                    step.upper
                                ),
                                format!("{}.quantity", ipath(it.idx)),
                            );
                            remove_with_adds(
                                set,
                                st,
                                d,
                                s,
                                count,
                                "kizami",
                                "医科診療行為マスター きざみ値",
                                "quantity missing or out of range".into(),
                                path,
                                it.idx,
                                &age_claimed,
                                items,
                                &ipath,
                            );
                            continue;
                        }
                    }
                }
                let (rid, rsrc) = pricing::listed_rule(p);
                let rule = rules::RuleId { id: rid, source: rsrc };
                let detail = detail.or_else(|| {
                    st.detail(|| {
                        format!(
                            "{} {}: priced from the master row valid on {d}",
                            p.kubun_label(),
                            p.name
                        )
                    })
                });
                push_s(
                    set,
                    st,
                    d,
                    i,
                    s,
                    count,
                    Origin::Input,
                    rule,
                    detail,
                    path,
                    item.rp.clone(),
                );
                if let (Some(pts), Some(l)) = (points_override, st.lines.last_mut()) {
                    l.points = pts;
                    l.reason.rule = "kizami".into();
                    l.reason.source = "医科診療行為マスター きざみ値 (cols 30–35)".into();
                }
                // its 年齢加算 (listed → input, else derived)
                for (base, row) in age_adds.iter().filter(|(b, _)| *b == it.idx) {
                    let listed = age_claimed
                        .iter()
                        .find(|(l, b)| **b == *base && items.iter().any(|x| x.idx == **l && x.code == row.row.code))
                        .map(|(l, _)| *l);
                    let (origin, apath) = match listed {
                        Some(l) => (Origin::Input, Some(ipath(l))),
                        None => (Origin::Derived, None),
                    };
                    let detail =
                        st.detail(|| format!("年齢加算 of {} (cols 100–111): age {} on {d}", p.code, ctx.age_years(d)));
                    push_s(
                        set,
                        st,
                        d,
                        i,
                        row,
                        1,
                        origin,
                        rules::RuleId {
                            id: "age-kasan",
                            source: "医科診療行為マスター 年齢加算 (cols 100–111); R6告示 各区分 注 乳幼児加算",
                        },
                        detail,
                        apath,
                        item.rp.clone(),
                    );
                }
            }
            AnyVersion::Y(_) => {
                let key = item.rp.clone().unwrap_or_else(|| format!("#{}", it.idx));
                drug_groups.entry(key).or_default().push(it);
            }
            AnyVersion::T(t) => {
                let q = item.quantity.unwrap_or(Decimal::ONE);
                let section = item
                    .rp
                    .as_deref()
                    .and_then(|rp| rp_section.get(rp))
                    .copied()
                    .unwrap_or("80");
                let master = mref(set, &mut st.files, t.origin, t.valid_from, t.valid_to);
                if pediatric.is_some() {
                    st.removed.push(Removed {
                        date: d,
                        code: t.row.code.to_string(),
                        name: t.row.name.clone(),
                        points: pricing::material_points(t.row.price, q, t.row.calc_kind),
                        count: 1,
                        origin: Origin::Input,
                        reason: Reason {
                            rule: "B001-2-hokatsu".into(),
                            source: "R6告示 B001-2 注3 / B001-2-11 注3".into(),
                            master: Some(master),
                            detail: Some("included in the pediatric 診療料 of this visit".into()),
                        },
                        path,
                    });
                    continue;
                }
                let pts = pricing::material_points(t.row.price, q, t.row.calc_kind);
                let (rid, rsrc) = pricing::material_context(section, t.row.code.0);
                if section == "70" && t.row.age_kasan == 1 && ctx.age_years(d) < 6 {
                    st.diag(
                        Level::Info,
                        "FILM_INFANT_NOT_APPLIED",
                        "フィルム 6歳未満 ×1.1 (R6告示 E400注) applies to 胸部/腹部単純撮影 only: not applied",
                        ipath(it.idx),
                    );
                }
                let detail = st.detail(|| format!("{} 円 × {q} ÷ 10 = {pts} (四捨五入)", t.row.price));
                st.billed.push(Billed {
                    date: d,
                    code: t.row.code,
                    count: 1,
                });
                st.lines.push(Line {
                    date: d,
                    code: t.row.code.to_string(),
                    name: t.row.name.clone(),
                    points: pts,
                    count: 1,
                    section: section.into(),
                    origin: Origin::Input,
                    reason: Reason {
                        rule: rid.into(),
                        source: rsrc.into(),
                        master: Some(master),
                        detail,
                    },
                    path,
                    visit: i,
                    rp: item.rp.clone(),
                });
            }
            AnyVersion::C(c) => {
                let master = mref(set, &mut st.files, c.origin, c.valid_from, c.valid_to);
                let section = st.lines[st.visit_start..]
                    .iter()
                    .rev()
                    .find(|l| l.visit == i)
                    .map(|l| l.section.clone())
                    .unwrap_or_else(|| "80".into());
                st.lines.push(Line {
                    date: d,
                    code: c.row.code.to_string(),
                    name: c.row.text.clone(),
                    points: 0,
                    count: 1,
                    section,
                    origin: Origin::Input,
                    reason: Reason {
                        rule: "comment".into(),
                        source: "コメントマスター".into(),
                        master: Some(master),
                        detail: None,
                    },
                    path,
                    visit: i,
                    rp: item.rp.clone(),
                });
            }
        }
    }
    price_drugs(set, ctx, st, i, drug_groups, &rp_section, &listed_f, pediatric);
}

/// Removes a listed row and the 年齢加算 rows it claimed.
#[allow(clippy::too_many_arguments)]
fn remove_with_adds(
    set: &MasterSet,
    st: &mut St,
    d: NaiveDate,
    s: &Version<Procedure>,
    count: u32,
    rule: &str,
    source: &str,
    why: String,
    path: Option<String>,
    idx: usize,
    age_claimed: &BTreeMap<usize, usize>,
    items: &[ParsedItem<'_>],
    ipath: &dyn Fn(usize) -> String,
) {
    removed_s(set, st, d, s, count, Origin::Input, rule, source, why.clone(), path);
    for (l, _) in age_claimed.iter().filter(|(_, b)| **b == idx) {
        if let Some(AnyVersion::S(a)) = items.iter().find(|x| x.idx == *l).map(|x| x.v) {
            removed_s(
                set,
                st,
                d,
                a,
                1,
                Origin::Input,
                rule,
                source,
                format!("年齢加算 of {}: {why}", s.row.code),
                Some(ipath(*l)),
            );
        }
    }
}

/// Whether the visit's billed base fee is 外来診療料 (A002).
fn visit_base_is_gairai(set: &MasterSet, st: &St, i: usize, d: NaiveDate) -> bool {
    st.lines[st.visit_start..].iter().filter(|l| l.visit == i).any(|l| {
        Code::parse(&l.code)
            .and_then(|c| set.s.lookup(c, d))
            .is_some_and(|r| is_base_row(&r.row) && r.row.tbl_kubun == 2)
    })
}

/// Family checks of a listed 診療行為 row that can remove it: (rule, source, why).
#[allow(clippy::too_many_arguments)]
fn listed_check(
    set: &MasterSet,
    ctx: &Ctx<'_>,
    st: &mut St,
    i: usize,
    p: &Procedure,
    count: u32,
    shochi_bases: &[u8],
    inj_drugs: &[&masters::Drug],
) -> Option<(&'static str, &'static str, String)> {
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let code = p.code.0;
    let month =
        |codes: &[u32], st: &St| monthly::already_billed(codes, d, monthly::Window::Month, &ctx.history, &st.billed);
    if kensa::BLOOD_DRAW.contains(&code) {
        if let Some(b) = st.billed.iter().find(|b| b.date == d && b.code.0 == code) {
            return Some((
                "D400",
                "R6告示 D400 (1日につき)",
                format!("{} already billed on {} (1日につき)", b.code, b.date),
            ));
        }
    }
    if code == kensa::KANRI_1 {
        if let Some(b) = month(&[kensa::KANRI_1], st) {
            return Some((
                "monthly",
                "R6告示 D026注4 (月1回)",
                format!("already billed this month ({} on {})", b.code, b.date),
            ));
        }
    }
    if chusha::TENTEKI.contains(&code) {
        if let Some(b) = st
            .billed
            .iter()
            .find(|b| b.date == d && chusha::TENTEKI.contains(&b.code.0))
        {
            return Some((
                "G004",
                "R6告示 G004 点滴注射 (1日につき)",
                format!("点滴注射 already billed on {} ({})", b.date, b.code),
            ));
        }
    }
    let narcotic = inj_drugs.iter().any(|y| y.narcotic_kind == 1);
    let bio = inj_drugs.iter().any(|y| y.biological == 1);
    if let Some(why) = chusha::tsusoku_blocked(code, narcotic, bio) {
        return Some(("G-tsusoku", "R6告示 第6部 通則", why.into()));
    }
    if p.tbl_alpha == 'J' && p.shochi_infant != 0 && matches!(p.kokuji1, b'7' | b'9') {
        if let Some(why) = shochi::infant_blocked(p.shochi_infant, shochi_bases) {
            return Some(("J-nyuyoji", "R6告示 第9部 通則 処置乳幼児加算", why));
        }
    }
    if igaku_kanri::TOKUTEI_KANRI.contains(&code) {
        match ctx.claim.patient.tokutei_shikkan {
            Some(false) => {
                return Some((
                    "B000",
                    "R6告示 B000 (別表第一の疾患を主病とする患者)",
                    "patient.tokutei_shikkan is false".into(),
                ))
            }
            None => st.diag(
                Level::Info,
                "TOKUTEI_SHIKKAN_UNKNOWN",
                "特定疾患療養管理料 kept as listed: patient.tokutei_shikkan not given",
                format!("visits[{i}]"),
            ),
            Some(true) => {}
        }
        let n: u32 = ctx
            .history
            .iter()
            .chain(st.billed.iter())
            .filter(|b| {
                b.date.year() == d.year()
                    && b.date.month() == d.month()
                    && b.date <= d
                    && igaku_kanri::TOKUTEI_KANRI.contains(&b.code.0)
            })
            .map(|b| b.count)
            .sum();
        if n + count > igaku_kanri::TOKUTEI_KANRI_PER_MONTH as u32 {
            return Some((
                "B000",
                "R6告示 B000 注1 (月2回)",
                format!("already {n} this month: 月2回"),
            ));
        }
        let first = ctx.history.iter().chain(st.billed.iter()).find(|b| {
            set.s
                .lookup(b.code, b.date)
                .is_some_and(|r| is_base_row(&r.row) && r.row.tbl_kubun == 0)
                && igaku_kanri::within_month_of_first(b.date, d)
        });
        if let Some(f) = first {
            return Some((
                "B000",
                "R6告示 B000 注2 (初診の日から1月以内は初診料に含まれる; M)",
                format!("初診 {} on {}: within one month", f.code, f.date),
            ));
        }
    }
    if code == igaku_kanri::YAKUZAI_JOHO || code == igaku_kanri::TECHO_KASAN {
        if v.prescription == Some(Prescription::Outside) {
            return Some(("B011-3", "R6告示 B011-3 注3", "処方箋を交付した患者: 算定しない".into()));
        }
        if code == igaku_kanri::YAKUZAI_JOHO {
            if let Some(b) = month(&[code], st) {
                let drugs = |j: usize| -> BTreeSet<&str> {
                    ctx.claim.visits[j]
                        .items
                        .iter()
                        .filter(|x| x.code.starts_with('6'))
                        .map(|x| x.code.as_str())
                        .collect()
                };
                let earlier = st
                    .lines
                    .iter()
                    .find(|l| l.code.parse::<u32>() == Ok(b.code.0) && l.date == b.date)
                    .map(|l| l.visit);
                match earlier {
                    Some(j) if drugs(j) == drugs(i) => return Some(("B011-3", "R6告示 B011-3 注1 (月1回; 処方の内容に変更があった場合は、その都度)", format!("already billed on {} and the drugs did not change", b.date))),
                    Some(_) => {}
                    None => st.diag(Level::Warning, "MONTHLY_UNVERIFIED", format!("薬剤情報提供料 already in history on {}: kept (allowed again only when the prescription changed)", b.date), format!("visits[{i}]")),
                }
            }
        }
    }
    None
}

/// One priced drug group (剤 / 1回分 / 1調剤).
struct DrugGroup<'a, 'm> {
    rp: String,
    group: Vec<&'a ParsedItem<'m>>,
    usage: Usage,
    with_proc: bool,
    section: &'static str,
    rule: (pricing::DrugRule, &'static str, &'static str),
    yen: Decimal,
    parts: Vec<String>,
    count: u32,
    pts: i64,
}

/// Drugs (one 所定単位 per rp group) and the 投薬 family of the visit.
#[allow(clippy::too_many_arguments)]
fn price_drugs<'a, 'm>(
    set: &MasterSet,
    ctx: &Ctx<'_>,
    st: &mut St,
    i: usize,
    drug_groups: BTreeMap<String, Vec<&'a ParsedItem<'m>>>,
    rp_section: &BTreeMap<&str, &'static str>,
    listed_f: &[&ParsedItem<'_>],
    pediatric: Option<igaku_kanri::PediatricBundle>,
) {
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    let mut groups: Vec<DrugGroup<'a, 'm>> = Vec::new();
    for (rp, group) in drug_groups {
        let first = &v.items[group[0].idx];
        let form = match group[0].v {
            AnyVersion::Y(y) => y.row.dosage_form,
            _ => DosageForm::Other,
        };
        let (usage, inferred) = usage_of(first, form);
        if inferred && !rp_section.contains_key(rp.as_str()) {
            st.diag(
                Level::Info,
                "USAGE_INFERRED",
                format!("usage not given: {usage:?} assumed from the drug's 剤形"),
                format!("{}.usage", ipath(group[0].idx)),
            );
        }
        let with_proc = rp_section.get(rp.as_str()).copied();
        let section = match (with_proc, usage) {
            (Some(sec), _) => sec,
            (None, Usage::Internal) => "21",
            (None, Usage::AsNeeded) => "22",
            (None, Usage::External) => "23",
            (None, Usage::Injection) => "33",
        };
        if with_proc.is_none() && usage == Usage::Injection {
            st.diag(
                Level::Info,
                "INJECTION_WITHOUT_SHUGI",
                "an injection drug without a 注射 手技 in its rp: priced under G100 alone",
                ipath(group[0].idx),
            );
        }
        let rule = pricing::drug_context(section);
        if with_proc.is_none() && usage != Usage::Injection && v.prescription.is_none() {
            st.diag(
                Level::Warning,
                "PRESCRIPTION_KIND_MISSING",
                "drugs given but `prescription` (in_house / outside) not set: in_house assumed",
                format!("{vp}.prescription"),
            );
        }
        let mut yen = Decimal::ZERO;
        let mut parts = Vec::new();
        for it in &group {
            let AnyVersion::Y(y) = it.v else { continue };
            let item = &v.items[it.idx];
            let q = match item.quantity {
                Some(q) => q,
                None => {
                    st.diag(
                        Level::Warning,
                        "QUANTITY_MISSING",
                        format!("{} {}: no quantity; 1 assumed", y.row.code, y.row.name),
                        format!("{}.quantity", ipath(it.idx)),
                    );
                    Decimal::ONE
                }
            };
            if !matches!(y.row.price_kind, PointKind::Yen) {
                st.diag(
                    Level::Warning,
                    "PRICE_KIND_NOT_COMPUTED",
                    format!(
                        "{} {}: 金額種別 {:?} is not computed yet",
                        y.row.code, y.row.name, y.row.price_kind
                    ),
                    ipath(it.idx),
                );
                continue;
            }
            yen += y.row.price * q;
            if st.trace {
                parts.push(format!("{} {}円×{}", y.row.code, y.row.price, q));
            }
        }
        let count = match (with_proc, usage) {
            (None, Usage::Internal) | (None, Usage::AsNeeded) => first.days.unwrap_or_else(|| {
                st.diag(
                    Level::Warning,
                    "DAYS_MISSING",
                    "no `days` for an internal / as-needed 剤: 1 assumed",
                    format!("{}.days", ipath(group[0].idx)),
                );
                1
            }),
            (None, Usage::External) => 1,
            _ => first.count.unwrap_or(1),
        };
        let pts = pricing::drug_points(yen, rule.0);
        groups.push(DrugGroup {
            rp,
            group,
            usage,
            with_proc: with_proc.is_some(),
            section,
            rule,
            yen,
            parts,
            count,
            pts,
        });
    }
    // --- 投薬 facts ------------------------------------------------------------------------
    let touyaku_groups: Vec<usize> = (0..groups.len())
        .filter(|&k| !groups[k].with_proc && groups[k].usage != Usage::Injection)
        .collect();
    let outside = v.prescription == Some(Prescription::Outside);
    let zais: Vec<touyaku::Zai> = touyaku_groups
        .iter()
        .map(|&k| {
            let g = &groups[k];
            let mut codes: Vec<Code> = g.group.iter().map(|it| it.code).collect();
            codes.sort();
            codes.dedup();
            touyaku::Zai {
                usage: g.usage,
                yen: g.yen,
                brands: codes.len() as u32,
                days: if g.usage == Usage::Internal { g.count } else { 0 },
                temporary: g.group.iter().any(|it| v.items[it.idx].temporary),
            }
        })
        .collect();
    let listed_code = |codes: &[u32]| {
        listed_f
            .iter()
            .find(|it| codes.contains(&it.code.0))
            .map(|it| it.code.0)
    };
    let chiiki = st.lines[st.visit_start..]
        .iter()
        .any(|l| l.visit == i && touyaku::CHIIKI_HOKATSU.iter().any(|c| l.code.parse::<u32>() == Ok(*c)));
    let kinds = touyaku::kinds(&zais);
    let listed_seven = listed_code(&[touyaku::SHOHO_7, touyaku::SHOHOSEN_7]).is_some();
    let seven = !chiiki && (kinds >= touyaku::SEVEN || listed_seven);
    let reduce = seven && !outside && pediatric.is_none() && zais.iter().any(|z| z.usage == Usage::Internal);
    // --- drug lines ----------------------------------------------------------------------
    let mut reduced_parts = Vec::new();
    for g in &groups {
        let outside_drug = !g.with_proc && g.usage != Usage::Injection && outside;
        let mut pts = g.pts;
        let mut note = String::new();
        if reduce && !g.with_proc && g.usage == Usage::Internal {
            pts = touyaku::reduce(g.pts, 90, 100);
            note = format!("; 7種類以上 (F200注3): {} × 90/100 = {pts} (四捨五入; L)", g.pts);
            reduced_parts.push(format!("{}: {}→{}", g.rp, g.pts, pts));
        }
        let detail_text = if st.trace {
            Some(format!(
                "Σ {} = {}円 per 所定単位 → {}点 × {} ({}: {}){note}",
                g.parts.join(" + "),
                g.yen,
                g.pts,
                g.count,
                g.rule.1,
                g.rule.0.rounding()
            ))
        } else {
            None
        };
        let n = g.group.len();
        for (k, it) in g.group.iter().enumerate() {
            let AnyVersion::Y(y) = it.v else { continue };
            let master = mref(set, &mut st.files, y.origin, y.valid_from, y.valid_to);
            let last = k + 1 == n;
            let removed = if outside_drug {
                Some((
                    "F400",
                    "R6告示 第5部 通則: 院外処方 — drugs are billed by the pharmacy",
                    None,
                ))
            } else {
                pediatric.map(|b| {
                    (
                        "B001-2-hokatsu",
                        b.source(),
                        Some("included in the pediatric 診療料 of this visit".to_string()),
                    )
                })
            };
            if let Some((rule, source, detail)) = removed {
                st.removed.push(Removed {
                    date: d,
                    code: y.row.code.to_string(),
                    name: y.row.name.clone(),
                    points: if last { pts } else { 0 },
                    count: g.count,
                    origin: Origin::Input,
                    reason: Reason {
                        rule: rule.into(),
                        source: source.into(),
                        master: Some(master),
                        detail,
                    },
                    path: Some(ipath(it.idx)),
                });
                continue;
            }
            st.billed.push(Billed {
                date: d,
                code: y.row.code,
                count: g.count,
            });
            st.lines.push(Line {
                date: d,
                code: y.row.code.to_string(),
                name: y.row.name.clone(),
                points: if last { pts } else { 0 },
                count: g.count,
                section: g.section.into(),
                origin: Origin::Input,
                reason: Reason {
                    rule: g.rule.1.into(),
                    source: g.rule.2.into(),
                    master: Some(master),
                    detail: if last { detail_text.clone() } else { None },
                },
                path: Some(ipath(it.idx)),
                visit: i,
                rp: v.items[it.idx].rp.clone(),
            });
        }
    }
    if reduce {
        if let Some(y) = set.y.lookup(Code(touyaku::TEIGEN_90), d) {
            let master = mref(set, &mut st.files, y.origin, y.valid_from, y.valid_to);
            let detail = st.detail(|| {
                format!(
                    "{kinds} 種類 of 内服薬 (R6通知 F200(6)); per 剤 {}",
                    reduced_parts.join(", ")
                )
            });
            st.lines.push(Line {
                date: d,
                code: y.row.code.to_string(),
                name: y.row.name.clone(),
                points: 0,
                count: 1,
                section: "21".into(),
                origin: Origin::Derived,
                reason: Reason {
                    rule: "F200-chu3".into(),
                    source: "R6告示 F200注3: 7種類以上の内服薬 → 所定点数の100分の90 (applied on the 剤 lines)".into(),
                    master: Some(master),
                    detail,
                },
                path: None,
                visit: i,
                rp: None,
            });
        }
    }
    // --- F-family -----------------------------------------------------------------------
    touyaku_family(
        set,
        ctx,
        st,
        i,
        &groups,
        &touyaku_groups,
        &zais,
        kinds,
        seven,
        chiiki,
        listed_f,
        pediatric,
    );
}

/// 調剤料, 処方料 / 処方箋料, their 加算, 調剤技術基本料: derived picks reconciled with the listed F rows.
#[allow(clippy::too_many_arguments)]
fn touyaku_family(
    set: &MasterSet,
    ctx: &Ctx<'_>,
    st: &mut St,
    i: usize,
    groups: &[DrugGroup<'_, '_>],
    touyaku_groups: &[usize],
    zais: &[touyaku::Zai],
    n_kinds: u32,
    seven: bool,
    chiiki: bool,
    listed_f: &[&ParsedItem<'_>],
    pediatric: Option<igaku_kanri::PediatricBundle>,
) {
    use touyaku::*;
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    if let Some(b) = pediatric {
        for it in listed_f {
            if let AnyVersion::S(s) = it.v {
                removed_s(
                    set,
                    st,
                    d,
                    s,
                    v.items[it.idx].count.unwrap_or(1),
                    Origin::Input,
                    "B001-2-hokatsu",
                    b.source(),
                    "第5部 投薬 is included in the pediatric 診療料 of this visit".into(),
                    Some(ipath(it.idx)),
                );
            }
        }
        return;
    }
    let outside = v.prescription == Some(Prescription::Outside);
    let has_drugs = !touyaku_groups.is_empty();
    struct Pick {
        code: u32,
        rule: &'static str,
        source: &'static str,
        why: String,
    }
    let mut picks: Vec<Pick> = Vec::new();
    let listed_of = |slot_: Slot| {
        listed_f
            .iter()
            .find(|it| touyaku::slot(it.code.0) == slot_)
            .map(|it| it.code.0)
    };
    let drug_rows: Vec<&masters::Drug> = touyaku_groups
        .iter()
        .flat_map(|&k| groups[k].group.iter())
        .filter_map(|it| match it.v {
            AnyVersion::Y(y) => Some(&y.row),
            _ => None,
        })
        .collect();
    let month =
        |codes: &[u32], st: &St| monthly::already_billed(codes, d, monthly::Window::Month, &ctx.history, &st.billed);
    let period = period_days(zais);
    let kind_note = format!(
        "{n_kinds} 種類 of 内服薬 (R6通知 F200(6): ≤205円の剤 = 1種類){}",
        if chiiki {
            "; 地域包括診療加算: F100 2 not applied"
        } else {
            ""
        }
    );
    if has_drugs {
        let psycho: BTreeSet<u32> = touyaku_groups
            .iter()
            .filter(|&&k| groups[k].usage == Usage::Internal)
            .flat_map(|&k| groups[k].group.iter())
            .filter_map(|it| match it.v {
                AnyVersion::Y(y) if y.row.narcotic_kind == 5 => Some(y.row.code.0),
                _ => None,
            })
            .collect();
        if psycho.len() >= 3 {
            st.diag(Level::Info, "PSYCHOTROPIC_NOT_JUDGED", format!("{} 向精神薬 prescribed: 向精神薬多剤投与 (F100 1 / F400 1) needs the drug classes; list 120003610 / 120003710 if it applies", psycho.len()), vp.clone());
        }
        let narcotic = drug_rows.iter().any(|y| y.narcotic_kind != 0);
        let base = if outside {
            if seven {
                SHOHOSEN_7
            } else {
                SHOHOSEN_OTHER
            }
        } else if seven {
            SHOHO_7
        } else {
            SHOHO_OTHER
        };
        let (brule, bsrc) = if outside {
            ("F400", "R6告示 F400 処方箋料 (1処方箋につき)")
        } else {
            ("F100", "R6告示 F100 処方料 (1処方につき)")
        };
        let listed_base = listed_of(if outside { Slot::ShohosenBase } else { Slot::ShohoBase });
        if let Some(lb) = listed_base {
            if lb != base {
                st.diag(
                    Level::Warning,
                    "F_EXPLICIT_DIFFERS",
                    format!("listed {lb} differs from what the facts give ({base}: {kind_note}); billed as listed"),
                    vp.clone(),
                );
            }
        }
        let final_base = listed_base.unwrap_or(base);
        picks.push(Pick {
            code: base,
            rule: brule,
            source: bsrc,
            why: kind_note.clone(),
        });
        if !outside {
            if zais
                .iter()
                .any(|z| matches!(z.usage, Usage::Internal | Usage::AsNeeded))
            {
                picks.push(Pick {
                    code: CHOZAI_NAIFUKU,
                    rule: "F000",
                    source: "R6告示 F000 1 (入院外, 1処方につき)",
                    why: "内服薬・屯服薬 in the prescription".into(),
                });
            }
            if zais.iter().any(|z| z.usage == Usage::External) {
                picks.push(Pick {
                    code: CHOZAI_GAIYO,
                    rule: "F000",
                    source: "R6告示 F000 2 (入院外, 1処方につき)",
                    why: "外用薬 in the prescription".into(),
                });
            }
            if narcotic && listed_code_in(listed_f, &[CHOZAI_SHOHO_MAYAKU]).is_none() {
                picks.push(Pick {
                    code: CHOZAI_MAYAKU,
                    rule: "F000-mayaku",
                    source: "R6告示 F000注 麻薬等加算 (1処方につき)",
                    why: "a 麻薬・向精神薬・覚醒剤原料・毒薬 (y col 14 ≠ 0) in the prescription".into(),
                });
                picks.push(Pick {
                    code: SHOHO_MAYAKU,
                    rule: "F100-mayaku",
                    source: "R6告示 F100注2 麻薬等加算 (1処方につき)",
                    why: "a 麻薬・向精神薬・覚醒剤原料・毒薬 (y col 14 ≠ 0) in the prescription".into(),
                });
            }
            if ctx.has_capability("pharmacist", d) {
                match month(&[CHOKI], st) {
                    None => picks.push(Pick {
                        code: CHOKI,
                        rule: "F500",
                        source: "R6告示 F500 2 (月1回; 薬剤師常時勤務, 院内)",
                        why: "capability pharmacist; first 院内 prescription this month".into(),
                    }),
                    Some(b) => st.diag(
                        Level::Info,
                        "MONTHLY_DONE",
                        format!("調剤技術基本料 already billed this month ({})", b.date),
                        vp.clone(),
                    ),
                }
            }
        }
        // 乳幼児加算 from the base row's 年齢加算 columns
        if let Some(row) = set.s.lookup(Code(final_base), d) {
            for ak in &row.row.age_kasan {
                if ctx.at_least(&ak.lower, d) && ctx.below(&ak.upper, d) {
                    picks.push(Pick {
                        code: ak.code.0,
                        rule: if outside { "F400-nyuyoji" } else { "F100-nyuyoji" },
                        source: if outside {
                            "R6告示 F400注 乳幼児加算 (3歳未満); 年齢加算 cols 100–111"
                        } else {
                            "R6告示 F100注3 乳幼児加算 (3歳未満); 年齢加算 cols 100–111"
                        },
                        why: format!("age {} on {d}", ctx.age_years(d)),
                    });
                }
            }
        }
        // 特定疾患処方管理加算 (R6: 28日以上, 月1回)
        let tcode = if outside { SHOHOSEN_TOKUTEI } else { SHOHO_TOKUTEI };
        let facility_ok = ctx.is_clinic() || ctx.claim.facility.beds < 200;
        if period >= TOKUTEI_DAYS && facility_ok {
            if d < TOKUTEI_FROM {
                st.diag(
                    Level::Info,
                    "TOKUTEI_SHOHO_NOT_DATED",
                    "特定疾患処方管理加算 before 2024-06 (R4: 加算1/加算2) is not derived; list it",
                    vp.clone(),
                );
            } else {
                match ctx.claim.patient.tokutei_shikkan {
                    Some(true) => match month(TOKUTEI, st) {
                        None => picks.push(Pick {
                            code: tcode,
                            rule: "F100-tokutei",
                            source: "R6告示 F100注5 / F400注5: 特定疾患処方管理加算 (28日以上, 月1回)",
                            why: format!("処方期間 {period}日 ≥ 28; patient.tokutei_shikkan"),
                        }),
                        Some(b) => st.diag(
                            Level::Info,
                            "MONTHLY_DONE",
                            format!(
                                "特定疾患処方管理加算 already billed this month ({} on {})",
                                b.code, b.date
                            ),
                            vp.clone(),
                        ),
                    },
                    Some(false) => {}
                    None => st.diag(
                        Level::Info,
                        "TOKUTEI_SHIKKAN_UNKNOWN",
                        format!(
                            "処方期間 {period}日 ≥ 28 but patient.tokutei_shikkan not given: no 特定疾患処方管理加算"
                        ),
                        "patient.tokutei_shikkan",
                    ),
                }
            }
        }
        // 一般名処方加算 (院外)
        if outside {
            let lines: Vec<GenericLine> = touyaku_groups
                .iter()
                .flat_map(|&k| groups[k].group.iter())
                .filter_map(|it| match it.v {
                    AnyVersion::Y(y) => {
                        let nc = y.raw.col(37).trim();
                        Some(GenericLine {
                            name_code: if nc.is_empty() {
                                y.row.code.to_string()
                            } else {
                                nc.to_string()
                            },
                            eligible: y.row.generic_rx_kasan != 0,
                            by_name: v.items[it.idx].generic_name,
                        })
                    }
                    _ => None,
                })
                .collect();
            match ippanmei(&lines) {
                Ok(Some(t)) => {
                    let (code, why) = match t {
                        Ippanmei::Kasan1 => (
                            IPPANMEI_1,
                            "every drug with a 後発医薬品 written by 一般名 (≥ 2 一般名)",
                        ),
                        Ippanmei::Kasan2 => (IPPANMEI_2, "at least one drug with a 後発医薬品 written by 一般名"),
                    };
                    picks.push(Pick {
                        code,
                        rule: "F400-ippanmei",
                        source: "R6告示 F400注7; R6通知 F400(12) (eligibility = y col 39 ≠ 0: L)",
                        why: why.into(),
                    });
                }
                Ok(None) => {}
                Err(msg) => st.diag(
                    Level::Info,
                    "GENERIC_NAME_UNKNOWN",
                    format!("一般名処方加算 not derived: {msg}"),
                    vp.clone(),
                ),
            }
        }
    }
    // --- reconcile listed F rows ----------------------------------------------------------
    for it in listed_f {
        let AnyVersion::S(s) = it.v else { continue };
        let code = s.row.code.0;
        let count = v.items[it.idx].count.unwrap_or(1);
        let path = Some(ipath(it.idx));
        if let (Some(side), Some(p)) = (side_of(s.row.sum_target_out), v.prescription) {
            let in_house = p == Prescription::InHouse;
            if side != in_house {
                removed_s(
                    set,
                    st,
                    d,
                    s,
                    count,
                    Origin::Input,
                    "F-side",
                    "R6告示 第5部 通則 (院内: F000/F100/F500; 院外: F400 only)",
                    format!(
                        "{} row on a visit with prescription {:?}",
                        if side { "院内処方" } else { "処方箋料" },
                        p
                    ),
                    path,
                );
                continue;
            }
        }
        let same = picks.iter().position(|p| p.code == code);
        let alt = picks
            .iter()
            .position(|p| touyaku::slot(p.code) == touyaku::slot(code) && touyaku::slot(code) != Slot::Other);
        let check = match touyaku::slot(code) {
            Slot::Tokutei => {
                if period < TOKUTEI_DAYS && has_drugs {
                    Some(format!("処方期間 {period}日 < 28"))
                } else if ctx.claim.patient.tokutei_shikkan == Some(false) {
                    Some("patient.tokutei_shikkan is false".into())
                } else {
                    month(TOKUTEI, st).map(|b| format!("already billed this month ({} on {}): 月1回", b.code, b.date))
                }
            }
            Slot::Choki => {
                if !ctx.has_capability("pharmacist", d) {
                    Some("no capability `pharmacist` on the date (薬剤師常時勤務)".into())
                } else {
                    month(&[CHOKI], st).map(|b| format!("already billed this month ({}): 月1回", b.date))
                }
            }
            _ => None,
        };
        if let Some(why) = check {
            removed_s(
                set,
                st,
                d,
                s,
                count,
                Origin::Input,
                "touyaku",
                "R6告示 F100注5 / F400注5 / F500",
                why,
                path,
            );
            if let Some(k) = same.or(alt) {
                picks.remove(k);
            }
            continue;
        }
        let (rule, source, detail) = match same.or(alt) {
            Some(k) => {
                let p = picks.remove(k);
                if same.is_none() && touyaku::slot(code) != Slot::ShohoBase && touyaku::slot(code) != Slot::ShohosenBase
                {
                    st.diag(
                        Level::Warning,
                        "F_EXPLICIT_DIFFERS",
                        format!(
                            "listed {code} differs from what the facts give ({}); billed as listed",
                            p.code
                        ),
                        ipath(it.idx),
                    );
                }
                (
                    if same.is_some() { p.rule } else { "touyaku-listed" },
                    p.source,
                    st.detail(|| p.why.clone()),
                )
            }
            None => (
                "touyaku-listed",
                "R6告示 第5部 投薬; listed F row, checked for 院内/院外",
                st.detail(|| "listed; not derived by santei".into()),
            ),
        };
        push_s(
            set,
            st,
            d,
            i,
            s,
            count,
            Origin::Input,
            rules::RuleId { id: rule, source },
            detail,
            path,
            None,
        );
    }
    for p in picks {
        push_derived(
            set,
            st,
            d,
            i,
            p.code,
            rules::RuleId {
                id: p.rule,
                source: p.source,
            },
            &p.why,
            &vp,
        );
    }
}

fn listed_code_in(listed_f: &[&ParsedItem<'_>], codes: &[u32]) -> Option<u32> {
    listed_f
        .iter()
        .find(|it| codes.contains(&it.code.0))
        .map(|it| it.code.0)
}

/// `(visit, item)` of a JSON path `visits[i].items[j]`.
fn path_indices(path: &str) -> Option<(usize, usize)> {
    let rest = path.strip_prefix("visits[")?;
    let (vi, rest) = rest.split_once("].items[")?;
    let ij = rest.strip_suffix(']')?;
    Some((vi.parse().ok()?, ij.parse().ok()?))
}

/// Month-level derivations after every visit: 検査 item-count ladders per specimen collection and
/// the 判断料 (rules::kensa).
fn finish_month(set: &MasterSet, ctx: &Ctx<'_>, st: &mut St, parsed: &[Vec<ParsedItem<'_>>]) {
    kensa_ladders(set, ctx, st);
    kensa_handan(set, ctx, st, parsed);
}

fn line_row<'m>(set: &'m MasterSet, code: &str, d: NaiveDate) -> Option<&'m Version<Procedure>> {
    Code::parse(code)
        .filter(|c| c.0 / 100_000_000 == 1)
        .and_then(|c| set.s.lookup(c, d))
}

fn kensa_ladders(set: &MasterSet, ctx: &Ctx<'_>, st: &mut St) {
    // (date, specimen, group) → line indices, in order of appearance
    let mut keys: Vec<(NaiveDate, Option<String>, u8)> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (k, l) in st.lines.iter().enumerate() {
        if l.origin != Origin::Input {
            continue;
        }
        let Some(row) = line_row(set, &l.code, l.date) else {
            continue;
        };
        let g = row.row.bundle_test_group;
        if g == 0 || row.row.jisshi_handan != 1 {
            continue;
        }
        let specimen = l
            .path
            .as_deref()
            .and_then(path_indices)
            .and_then(|(vi, ij)| ctx.claim.visits.get(vi)?.items.get(ij)?.specimen.clone());
        let key = (l.date, specimen, g);
        match keys.iter().position(|x| *x == key) {
            Some(p) => members[p].push(k),
            None => {
                keys.push(key);
                members.push(vec![k]);
            }
        }
    }
    let mut drop: BTreeSet<usize> = BTreeSet::new();
    for (key, idxs) in keys.iter().zip(members.iter()) {
        let (d, specimen, g) = (key.0, &key.1, key.2);
        let mut idxs: Vec<usize> = idxs.clone();
        // D007 counting rules
        if g == 1 {
            let its: Vec<kensa::Item> = idxs
                .iter()
                .enumerate()
                .filter_map(|(pos, &k)| {
                    Code::parse(&st.lines[k].code).map(|c| kensa::Item {
                        pos,
                        code: c.0,
                        points: st.lines[k].points,
                    })
                })
                .collect();
            let drops = kensa::d007_drops(&its);
            for (pos, why) in &drops {
                let k = idxs[*pos];
                drop.insert(k);
                let l = st.lines[k].clone();
                st.removed.push(Removed {
                    date: l.date,
                    code: l.code.clone(),
                    name: l.name.clone(),
                    points: l.points,
                    count: l.count,
                    origin: l.origin,
                    reason: Reason {
                        rule: "D007-count".into(),
                        source: "R6通知 D007 (1)–(7)".into(),
                        master: l.reason.master.clone(),
                        detail: Some(why.to_string()),
                    },
                    path: l.path.clone(),
                });
                st.diag(
                    Level::Info,
                    "D007_COUNTED_TOGETHER",
                    format!(
                        "{} {}: {why}; the engine keeps the higher-point / earlier items (L)",
                        l.code, l.name
                    ),
                    l.path.clone().unwrap_or_default(),
                );
            }
            let dropped: BTreeSet<usize> = drops.iter().map(|(p, _)| idxs[*p]).collect();
            idxs.retain(|k| !dropped.contains(k));
        }
        if idxs.is_empty() {
            continue;
        }
        let n: u32 = idxs.iter().map(|&k| st.lines[k].count.max(1)).sum();
        let label = specimen
            .clone()
            .unwrap_or_else(|| "(one collection a day: default)".into());
        match kensa::cap(g, d) {
            Some(kensa::Cap::Items(max, src)) if n > max => {
                let mut seen = 0u32;
                for &k in &idxs {
                    let c = st.lines[k].count.max(1);
                    if seen >= max {
                        drop.insert(k);
                        let l = st.lines[k].clone();
                        st.removed.push(Removed {
                            date: l.date,
                            code: l.code.clone(),
                            name: l.name.clone(),
                            points: l.points,
                            count: l.count,
                            origin: l.origin,
                            reason: Reason {
                                rule: "kensa-cap".into(),
                                source: src.into(),
                                master: l.reason.master.clone(),
                                detail: Some(format!("{n} items on specimen {label}: limit {max}")),
                            },
                            path: l.path.clone(),
                        });
                    } else if seen + c > max {
                        st.lines[k].count = max - seen;
                    }
                    seen += c;
                }
                continue;
            }
            Some(kensa::Cap::Points(cap, src)) => {
                let total: i64 = idxs
                    .iter()
                    .map(|&k| st.lines[k].points.saturating_mul(i64::from(st.lines[k].count)))
                    .fold(0i64, i64::saturating_add);
                if total > cap {
                    let last = *idxs.last().unwrap_or(&0);
                    for &k in &idxs {
                        let l = &mut st.lines[k];
                        l.points = if k == last { cap } else { 0 };
                        l.count = 1;
                        l.reason.rule = "kensa-cap".into();
                        l.reason.source = src.into();
                        l.reason.detail = Some(format!("{total}点 on specimen {label} capped at {cap}"));
                    }
                }
                continue;
            }
            _ => {}
        }
        match kensa::ladder(g, d) {
            Some(ladder) => {
                if let Some((min, pts)) = kensa::ladder_points(ladder, n) {
                    let last = *idxs.last().unwrap_or(&0);
                    let rule = format!("{}-hokatsu", ladder.kubun);
                    for &k in &idxs {
                        let l = &mut st.lines[k];
                        let own = l.points;
                        l.points = if k == last { pts } else { 0 };
                        l.count = 1;
                        l.reason.rule = rule.clone().into();
                        l.reason.source = format!("{} (包括対象検査 col 16 = {g})", ladder.source).into();
                        l.reason.detail = Some(if k == last {
                            format!("{n} items on specimen {label}: ladder row '{min}項目以上' = {pts}点 (所定点数にかかわらず); item points {own} not billed")
                        } else {
                            format!("in the {} 包括 of specimen {label} ({n} items): 0 here, the group's {pts}点 on its last line; item points {own}", ladder.kubun)
                        });
                    }
                    if specimen.is_none() && n > 1 {
                        let p = st.lines[last].path.clone().unwrap_or_default();
                        st.diag(
                            Level::Info,
                            "SPECIMEN_ASSUMED",
                            format!(
                                "{}: {n} items of group {g} on {d} counted as one collection (no `specimen` given)",
                                ladder.kubun
                            ),
                            p,
                        );
                    }
                }
            }
            None if kensa::has_ladder(g) && n > 1 => {
                let p = st.lines[idxs[0]].path.clone().unwrap_or_default();
                st.diag(
                    Level::Warning,
                    "LADDER_NOT_DATED",
                    format!("包括 group {g}: no ladder coded for {d}; items billed at their own points"),
                    p,
                );
            }
            None => {}
        }
    }
    if !drop.is_empty() {
        let mut k = 0;
        st.lines.retain(|_| {
            let keep = !drop.contains(&k);
            k += 1;
            keep
        });
    }
}

fn kensa_handan(set: &MasterSet, ctx: &Ctx<'_>, st: &mut St, parsed: &[Vec<ParsedItem<'_>>]) {
    let Some(first) = ctx.claim.visits.iter().map(|v| v.date).min() else {
        return;
    };
    let same_month = |d: NaiveDate| d.year() == first.year() && d.month() == first.month();
    // 実施料 performed this month in the claim: billed lines and tests bundled into 外来診療料.
    let mut performed: Vec<(NaiveDate, usize, u8)> = Vec::new();
    for l in &st.lines {
        if let Some(r) = line_row(set, &l.code, l.date) {
            if r.row.jisshi_handan == 1 && r.row.handan_group != 0 {
                performed.push((l.date, l.visit, r.row.handan_group));
            }
        }
    }
    for r in &st.removed {
        if r.reason.rule != "A002-hokatsu" && r.reason.rule != "D007-count" && r.reason.rule != "kensa-cap" {
            continue;
        }
        let Some((vi, _)) = r.path.as_deref().and_then(path_indices) else {
            continue;
        };
        if let Some(row) = line_row(set, &r.code, r.date) {
            if row.row.jisshi_handan == 1 && row.row.handan_group != 0 {
                performed.push((r.date, vi, row.row.handan_group));
            }
        }
    }
    performed.sort();
    let hist_performed = |g: u8| {
        ctx.history.iter().any(|h| {
            same_month(h.date)
                && set
                    .s
                    .lookup(h.code, h.date)
                    .is_some_and(|r| r.row.jisshi_handan == 1 && kensa::handan_matches(g, r.row.handan_group))
        })
    };
    // listed 判断料, in visit order
    let removed_paths: BTreeSet<String> = st.removed.iter().filter_map(|r| r.path.clone()).collect();
    let mut listed: Vec<(NaiveDate, usize, usize, &Version<Procedure>)> = Vec::new();
    for (vi, its) in parsed.iter().enumerate() {
        for it in its {
            if let AnyVersion::S(s) = it.v {
                let path = format!("visits[{vi}].items[{}]", it.idx);
                if s.row.jisshi_handan == 2
                    && s.row.tbl_alpha != 'F'
                    && !removed_paths.contains(&path)
                    && !st.lines.iter().any(|l| l.path.as_deref() == Some(path.as_str()))
                {
                    listed.push((ctx.claim.visits[vi].date, vi, it.idx, s));
                }
            }
        }
    }
    listed.sort_by_key(|x| (x.0, x.1, x.2));
    for (d, vi, j, s) in listed {
        let g = s.row.handan_group;
        let path = Some(format!("visits[{vi}].items[{j}]"));
        let count = ctx.claim.visits[vi].items[j].count.unwrap_or(1);
        let fam = kensa::handan_family(g);
        let fam = if fam.is_empty() { vec![s.row.code.0] } else { fam };
        if let Some(b) = monthly::already_billed(&fam, d, monthly::Window::Month, &ctx.history, &st.billed) {
            removed_s(
                set,
                st,
                d,
                s,
                count,
                Origin::Input,
                "monthly",
                "R6告示 D026注1 ほか (判断料 月1回)",
                format!(
                    "判断料 of group {g} already billed this month ({} on {})",
                    b.code, b.date
                ),
                path,
            );
            continue;
        }
        let done = performed.iter().any(|p| kensa::handan_matches(g, p.2)) || hist_performed(g);
        if !done {
            removed_s(
                set,
                st,
                d,
                s,
                count,
                Origin::Input,
                "handan",
                "R6告示 D026 ほか; 実施判断グループ (col 51)",
                format!("no 実施料 of 判断グループ {g} this month (claim or history)"),
                path,
            );
            continue;
        }
        let rule = if kensa::D026.iter().any(|(x, _)| *x == g) {
            "D026"
        } else {
            "handan"
        };
        let detail = st.detail(|| {
            format!("listed; 判断グループ {g}: a 実施料 of the group this month, first 判断料 of the month")
        });
        push_s(
            set,
            st,
            d,
            vi,
            s,
            1,
            Origin::Input,
            rules::RuleId {
                id: rule,
                source: "R6告示 D026注1 (月1回); 実施判断区分/グループ (cols 50/51)",
            },
            detail,
            path,
            None,
        );
    }
    // derived D026
    for &(g, code) in kensa::D026 {
        let Some(&(d, vi, _)) = performed.iter().find(|p| p.2 == g) else {
            continue;
        };
        if ctx
            .history
            .iter()
            .chain(st.billed.iter())
            .any(|b| same_month(b.date) && b.code.0 == code)
        {
            continue;
        }
        match set.s.lookup(Code(code), d) {
            Some(row) => {
                let n = performed.iter().filter(|p| p.2 == g).count();
                let detail = st.detail(|| format!("判断グループ {g}: {n} 実施料 line(s) this month, the first on {d}; no 判断料 of the group in history or earlier"));
                push_s(
                    set,
                    st,
                    d,
                    vi,
                    row,
                    1,
                    Origin::Derived,
                    rules::RuleId {
                        id: "D026",
                        source: "R6告示 D026注1: 検体検査判断料 (月1回); 実施判断グループ (cols 50/51)",
                    },
                    detail,
                    None,
                    None,
                );
            }
            None => st.diag(
                Level::Error,
                "CODE_NOT_IN_MASTER",
                format!("D026: {code} has no version valid on {d}"),
                format!("visits[{vi}]"),
            ),
        }
    }
}
