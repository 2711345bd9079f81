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
use crate::rules::{self, chu_kasan, gairai_kanri, iryo_dx, items as pricing, jikan, kihon::{self, BaseKind}, monthly, sections};
use crate::{calendar, ClaimError, Engine, Options};
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
}

impl St {
    fn diag(&mut self, level: Level, code: &'static str, message: impl Into<String>, path: impl Into<String>) {
        self.diags.push(Diagnostic { level, code, message: message.into(), path: path.into() });
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
    let first = claim.visits[0].date;
    for (i, h) in claim.facility.hours.iter().enumerate() {
        for (name, t) in [("open", &h.open), ("close", &h.close)] {
            if calendar::parse_hhmm(t).is_none() {
                return Err(ClaimError::invalid(format!("facility.hours[{i}].{name}"), format!("`{t}` is not a time HH:MM")));
            }
        }
        if let Some(w) = h.weekdays.iter().find(|w| !(1..=7).contains(*w)) {
            return Err(ClaimError::invalid(format!("facility.hours[{i}].weekdays"), format!("weekday {w} is not 1 (Monday) … 7 (Sunday)")));
        }
    }
    for (i, s) in claim.facility.standards.iter().enumerate() {
        if s.code.is_none() && s.name.is_none() {
            return Err(ClaimError::invalid(format!("facility.standards[{i}]"), "a standard needs `code` or `name`"));
        }
        if let Some(c) = &s.code {
            if c.trim().parse::<u16>().is_err() {
                return Err(ClaimError::invalid(format!("facility.standards[{i}].code"), format!("`{c}` is not a 施設基準コード (digits)")));
            }
        }
        if s.to.is_some_and(|t| t < s.from) {
            return Err(ClaimError::invalid(format!("facility.standards[{i}].to"), "`to` is before `from`"));
        }
    }
    for key in claim.facility.myna_rates.keys() {
        let ok = key.len() == 7 && NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").is_ok();
        if !ok {
            return Err(ClaimError::invalid(format!("facility.myna_rates.{key}"), "month keys are YYYY-MM"));
        }
    }
    for (k, h) in claim.history.iter().enumerate() {
        if Code::parse(&h.code).is_none() {
            return Err(ClaimError::invalid(format!("history[{k}].code"), format!("`{}` is not a 9-digit master code", h.code)));
        }
    }
    let mut out = Vec::with_capacity(claim.visits.len());
    for (i, v) in claim.visits.iter().enumerate() {
        let vp = format!("visits[{i}]");
        if (v.date.year(), v.date.month()) != (first.year(), first.month()) {
            return Err(ClaimError::invalid(
                format!("{vp}.date"),
                format!("{} is outside the claim month {} (one claim = one calendar month)", v.date, first.format("%Y-%m")),
            ));
        }
        if claim.patient.birth_date > v.date {
            return Err(ClaimError::invalid("patient.birth_date", format!("birth date {} is after the visit on {}", claim.patient.birth_date, v.date)));
        }
        if let Some(t) = &v.time {
            if calendar::parse_hhmm(t).is_none_or(|m| m >= 24 * 60) {
                return Err(ClaimError::invalid(format!("{vp}.time"), format!("`{t}` is not a time HH:MM (00:00–23:59)")));
            }
        }
        let mut items = Vec::with_capacity(v.items.len());
        for (j, it) in v.items.iter().enumerate() {
            let ip = format!("{vp}.items[{j}]");
            let code = Code::parse(&it.code)
                .filter(|c| c.kind().is_some())
                .ok_or_else(|| ClaimError::invalid(format!("{ip}.code"), format!("`{}` is not a 9-digit master code (1… 診療行為, 6… 医薬品, 7… 特定器材, 8… コメント)", it.code)))?;
            if it.quantity.is_some_and(|q| q < Decimal::ZERO) {
                return Err(ClaimError::invalid(format!("{ip}.quantity"), "quantity must not be negative"));
            }
            let Some(any) = set.lookup_any(code, v.date) else {
                let hist = set.history_any(code);
                let msg = if hist.is_empty() {
                    format!("unknown code {code}: no version in the master set ({})", set.origin)
                } else {
                    let vs: Vec<String> = hist
                        .iter()
                        .map(|h| format!("{}…{} {}", h.valid_from(), if h.valid_to() == masters::OPEN_END { "".into() } else { h.valid_to().to_string() }, h.name()))
                        .collect();
                    format!("code {code} has no version valid on {}; versions: {}", v.date, vs.join("; "))
                };
                return Err(ClaimError::invalid(format!("{ip}.code"), msg));
            };
            let transition = match any {
                AnyVersion::Y(y) => y.row.transition_date,
                AnyVersion::T(t) => t.row.transition_date,
                _ => None,
            };
            if let Some(t) = transition {
                if v.date > t {
                    return Err(ClaimError::invalid(format!("{ip}.code"), format!("code {code}: 経過措置 ended on {t}; not billable on {}", v.date)));
                }
            }
            items.push(ParsedItem { idx: j, code, v: any });
        }
        out.push(items);
    }
    Ok(out)
}

/// Whether an 医科診療行為 row is a base fee of A000–A002 (初診料/再診料/外来診療料 and variants).
fn is_base_row(p: &Procedure) -> bool {
    p.tbl_alpha == 'A' && p.tbl_kubun <= 2 && matches!(p.kokuji1, b'1' | b'3' | b'5') && matches!(p.sum_target_out, 110 | 120) && p.chu_kasan_seq == b'0'
}

/// 小児科外来診療料 (B001-2) and 小児かかりつけ診療料 (B001-2-11) include 初診料/再診料 (R6告示
/// B001-2 注, B001-2-11 注3; H). The master files them under 区分 B001 枝番 02 with 項番 001/002
/// (小児科外来診療料 1/2) and 019 (小児かかりつけ診療料) — s_ALL20240531 cols 85, 92–94, checked.
fn is_pediatric_bundle(p: &Procedure) -> bool {
    p.tbl_alpha == 'B' && p.tbl_kubun == 1 && p.tbl_eda == 2 && matches!(p.tbl_kouban, 1 | 2 | 19) && p.kokuji1 == b'1' && p.sum_target_out == 130
}

fn base_kind_of_code(code: u32, fallback_kubun: u16) -> BaseKind {
    use BaseKind::*;
    for k in [First, FirstSecondDept, Revisit, RevisitSameDay, RevisitSecondDept, Gairai, GairaiSameDay, GairaiSecondDept] {
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
        .filter_map(|h| Code::parse(&h.code).map(|code| Billed { date: h.date, code, count: h.count }))
        .collect();
    let ctx = Ctx { claim, history };
    let mut st = St { lines: Vec::new(), removed: Vec::new(), diags: Vec::new(), billed: Vec::new(), files: BTreeSet::new(), trace: opts.trace };
    for (k, c) in claim.facility.capabilities.iter().enumerate() {
        if !KNOWN_CAPABILITIES.contains(&c.id.as_str()) {
            st.diag(Level::Warning, "UNKNOWN_CAPABILITY", format!("capability `{}` is not one santei knows; ignored", c.id), format!("facility.capabilities[{k}].id"));
        }
    }
    for (k, h) in ctx.history.iter().enumerate() {
        if set.s.history(h.code).is_empty() && set.y.history(h.code).is_empty() {
            st.diag(Level::Info, "HISTORY_CODE_UNKNOWN", format!("history code {} is not in the master set", h.code), format!("history[{k}].code"));
        }
    }
    let mut order: Vec<usize> = (0..claim.visits.len()).collect();
    order.sort_by_key(|&i| (claim.visits[i].date, claim.visits[i].time.as_deref().and_then(calendar::parse_hhmm).unwrap_or(0), i));
    let mut bases: Vec<Option<BaseKind>> = vec![None; claim.visits.len()];
    for (pos, &i) in order.iter().enumerate() {
        let earlier: Vec<kihon::Earlier<'_>> = order[..pos]
            .iter()
            .filter(|&&j| claim.visits[j].date == claim.visits[i].date)
            .map(|&j| kihon::Earlier { department: claim.visits[j].department.as_deref(), base: bases[j] })
            .collect();
        bases[i] = visit(eng, set, &ctx, &mut st, i, &parsed[i], &parsed, &earlier);
    }
    let mut sections_map: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0i64;
    for l in &st.lines {
        let p = l.points * l.count as i64;
        total += p;
        *sections_map.entry(l.section.clone()).or_default() += p;
    }
    let masters_used = st
        .files
        .iter()
        .map(|&f| {
            let fi = &set.files[f as usize];
            MasterFileRef { file: fi.name.clone(), sha256: fi.sha256.clone(), supplement: fi.layer == masters::Layer::Supplement }
        })
        .collect();
    Ok(Outcome { id: claim.id.clone(), total_points: total, lines: st.lines, removed: st.removed, diagnostics: st.diags, masters: masters_used, sections: sections_map })
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
    earlier: &[kihon::Earlier<'_>],
) -> Option<BaseKind> {
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    let mut consumed = vec![false; v.items.len()];

    // --- base fee -------------------------------------------------------------------------
    let explicit_base = items.iter().find(|it| matches!(it.v, AnyVersion::S(s) if is_base_row(&s.row)));
    let bundle = items.iter().find(|it| matches!(it.v, AnyVersion::S(s) if is_pediatric_bundle(&s.row)));
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
            st.diag(Level::Warning, "BASE_KIND_MISMATCH", format!("listed base {} ({}) does not match visit kind {:?}", eb.code, s.row.name, v.kind), ipath(eb.idx));
        }
        kind = Some(k);
        base_row = Some(s);
        base_origin = Origin::Input;
        base_path = Some(ipath(eb.idx));
        consumed[eb.idx] = true;
    } else if let Some(k) = kind {
        if let Some(b) = bundle {
            st.diag(Level::Info, "BASE_BUNDLED", format!("初診料/再診料 are included in {} (B001-2): no base fee line", b.v.name()), ipath(b.idx));
        } else {
            let code = Code(k.code(k == BaseKind::Phone && earlier.iter().any(|e| e.base.is_some())));
            match set.s.lookup(code, d) {
                Some(row) => base_row = Some(row),
                None => st.diag(Level::Error, "BASE_NOT_IN_MASTER", format!("base fee {code} ({:?}) has no master version valid on {d}", k), format!("{vp}.kind")),
            }
        }
    }
    if kind.is_some() && v.kind == VisitKind::None && explicit_base.is_none() {
        kind = None;
    }
    if let (Some(k), Some(row)) = (kind, base_row) {
        let detail = st.detail(|| format!("visit kind {:?}, {}, department {:?}", v.kind, if ctx.large_hospital() { "hospital ≥200 beds" } else if ctx.is_clinic() { "clinic" } else { "hospital <200 beds" }, v.department));
        push_s(set, st, d, i, row, 1, base_origin, rules::RuleId { id: k.rule(), source: k.source() }, detail, base_path.clone(), None);
    }

    // --- time class, 注加算, DX family -----------------------------------------------------
    let (class, class_why, assumed) = jikan::classify(ctx, v);
    match assumed {
        Some("NO_HOURS") if !st.diags.iter().any(|d| d.code == "NO_HOURS") => st.diag(Level::Info, "NO_HOURS", "facility.hours not given: the standard hours (weekdays 08:00–18:00, Saturday 08:00–12:00) were assumed", "facility.hours"),
        Some("NOT_URGENT") => st.diag(Level::Info, "NOT_URGENT", format!("{vp}: outside 表示診療時間 but `urgent` is false: no 時間外/休日/深夜加算 (R6通知 A000(18)–(21))"), format!("{vp}.urgent")),
        _ => {}
    }
    let mut decisions: Vec<chu_kasan::Decision<'_>> = Vec::new();
    if let (Some(k), Some(row)) = (kind, base_row) {
        let inp = chu_kasan::Input { date: d, base: k, base_row: row, class, history: &ctx.history, claim: &st.billed };
        decisions = chu_kasan::derive(set, &eng.index, ctx, &inp, st.trace);
    }
    let mut dx = iryo_dx::Result::default();
    if let Some(k) = kind {
        let standards_of = |code: u32| -> Vec<u16> { set.s.lookup(Code(code), d).map(|r| r.row.facility_standards.clone()).unwrap_or_default() };
        let inp = iryo_dx::Input { date: d, base: k, myna: v.myna, kanri: bundle.is_some(), history: &ctx.history, claim: &st.billed, standards_of: &standards_of };
        dx = iryo_dx::derive(ctx, &inp);
    }
    for n in &dx.notes {
        st.diag(n.level, n.code, n.message.clone(), vp.clone());
    }
    // Listed family codes: explicit DX/医療情報 codes win (with a warning when they contradict).
    let family_items: Vec<&ParsedItem<'_>> = items.iter().filter(|it| !consumed[it.idx] && iryo_dx::is_family(it.code.0)).collect();
    for it in family_items {
        let AnyVersion::S(row) = it.v else { continue };
        consumed[it.idx] = true;
        let same = dx.picks.iter().position(|p| p.code == it.code.0);
        let fam_dx = iryo_dx::DX_CODES.contains(&it.code.0) || iryo_dx::DENSHI_SHOSHIN.contains(&it.code.0);
        if kind.is_none_or(|k| k.second_dept() || k == BaseKind::Phone) {
            removed_s(set, st, d, row, 1, Origin::Input, "iryo-dx", "R6告示 A000注5, A001注3/注9", "not on a ２科目 / 電話等再診 / no-base visit".into(), Some(ipath(it.idx)));
            continue;
        }
        let fam_codes: &[u32] = if fam_dx { iryo_dx::DX_CODES } else { iryo_dx::JOHO_CODES };
        if same.is_none() {
            if let Some(b) = monthly::already_billed(fam_codes, d, monthly::Window::Month, &ctx.history, &st.billed) {
                removed_s(set, st, d, row, 1, Origin::Input, "monthly", "R6告示 A000注15/16 (月1回)", format!("already billed this month ({} on {}): 月1回", b.code, b.date), Some(ipath(it.idx)));
                continue;
            }
        }
        let (detail, rule) = match same {
            Some(p) => {
                let p = dx.picks.remove(p);
                (st.detail(|| p.detail.clone()), rules::RuleId { id: p.rule, source: p.source })
            }
            None => {
                let facts: Vec<String> = dx
                    .picks
                    .iter()
                    .filter(|p| (iryo_dx::DX_CODES.contains(&p.code) || iryo_dx::DENSHI_SHOSHIN.contains(&p.code)) == fam_dx)
                    .map(|p| p.code.to_string())
                    .collect();
                dx.picks.retain(|p| (iryo_dx::DX_CODES.contains(&p.code) || iryo_dx::DENSHI_SHOSHIN.contains(&p.code)) != fam_dx);
                st.diag(
                    Level::Warning,
                    "DX_EXPLICIT_DIFFERS",
                    format!("listed {} ({}) differs from what the facts give ({}); billed as listed", it.code, row.row.name, if facts.is_empty() { "none".into() } else { facts.join(", ") }),
                    ipath(it.idx),
                );
                (None, rules::RuleId { id: "iryo-dx-listed", source: "R6告示 A000注15/16; claim lists the code" })
            }
        };
        push_s(set, st, d, i, row, 1, Origin::Input, rule, detail, Some(ipath(it.idx)), None);
    }
    for p in std::mem::take(&mut dx.picks) {
        match set.s.lookup(Code(p.code), d) {
            Some(row) => {
                let detail = st.detail(|| p.detail.clone());
                push_s(set, st, d, i, row, 1, Origin::Derived, rules::RuleId { id: p.rule, source: p.source }, detail, None, None);
            }
            None => st.diag(Level::Error, "CODE_NOT_IN_MASTER", format!("{}: the rule gives {} but the master set has no version valid on {d}", p.rule, p.code), vp.clone()),
        }
    }
    // 注加算 decisions, reconciled with listed add-ons.
    for dec in &decisions {
        let listed = items.iter().find(|it| !consumed[it.idx] && it.code == dec.code);
        if let Some(it) = listed {
            consumed[it.idx] = true;
        }
        let path = listed.map(|it| ipath(it.idx));
        let origin = if listed.is_some() { Origin::Input } else { Origin::Derived };
        if dec.chosen {
            let detail = st.detail(|| dec.why.clone());
            push_s(set, st, d, i, dec.v, 1, origin, rules::RuleId { id: dec.rule, source: dec.source }, detail, path, None);
        } else if listed.is_some() {
            if dec.why.contains("billed only when listed") {
                let p = &dec.v.row;
                let stds_ok = p.facility_standards.is_empty() || p.facility_standards.iter().any(|s| ctx.has_standard(*s, d));
                let month = monthly::family_of(dec.code.0).and_then(|f| monthly::already_billed(f.codes, d, monthly::Window::Month, &ctx.history, &st.billed));
                if !stds_ok {
                    removed_s(set, st, d, dec.v, 1, origin, dec.rule, dec.source, format!("no 届出 of 施設基準 {:?} on {d}", p.facility_standards), path);
                } else if let Some(b) = month {
                    removed_s(set, st, d, dec.v, 1, origin, "monthly", dec.source, format!("already billed this month ({} on {}): 月1回", b.code, b.date), path);
                } else {
                    let detail = st.detail(|| "listed; 施設基準 and limits checked".to_string());
                    push_s(set, st, d, i, dec.v, 1, origin, rules::RuleId { id: "chu-kasan-listed", source: dec.source }, detail, path, None);
                }
            } else {
                removed_s(set, st, d, dec.v, 1, origin, dec.rule, dec.source, dec.why.clone(), path);
            }
        }
    }
    let _ = &class_why;
    if st.trace {
        if let Some(l) = st.lines.iter_mut().rev().find(|l| l.visit == i && matches!(l.reason.rule.as_str(), "chu-kasan-time-age")) {
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
            let blocking = all_items
                .iter()
                .enumerate()
                .filter(|(j, _)| ctx.claim.visits[*j].date == d)
                .flat_map(|(_, its)| its.iter())
                .find_map(|it| match it.v {
                    AnyVersion::S(s) if s.row.gairai_kanri == 1 && !is_base_row(&s.row) => Some(format!("{} {}", s.row.code, s.row.name)),
                    _ => None,
                });
            let revisit = kind.is_some_and(|k| matches!(k, BaseKind::Revisit | BaseKind::RevisitSameDay | BaseKind::RevisitSecondDept | BaseKind::Phone | BaseKind::Gairai | BaseKind::GairaiSameDay | BaseKind::GairaiSecondDept));
            let why = gairai_kanri::blocked(
                revisit,
                kind == Some(BaseKind::Phone),
                kind.is_some_and(|k| k.second_dept()),
                base_row.is_some_and(|b| b.row.gairai_kanri == 1),
                blocking,
            );
            let path = listed.map(|it| ipath(it.idx)).or_else(|| Some(format!("{vp}.management")));
            let origin = if listed.is_some() { Origin::Input } else { Origin::Derived };
            match why {
                Some(why) => removed_s(set, st, d, gk, 1, origin, "gairai-kanri", "R6告示 A001注8; R6施設告示 第三 四", why, path),
                None => {
                    let detail = st.detail(|| "management given; no excluding item on the day".to_string());
                    push_s(set, st, d, i, gk, 1, origin, rules::RuleId { id: "gairai-kanri", source: "R6告示 A001注8" }, detail, path, None);
                }
            }
        }
    }

    // --- listed items ----------------------------------------------------------------------
    price_items(set, ctx, st, i, items, &mut consumed, kind.is_some() || explicit_base.is_some());
    kind
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
            st.diag(Level::Warning, "POINT_KIND_NOT_COMPUTED", format!("{} {}: 点数識別 {:?} is not computed yet; billed at 0", row.row.code, row.row.name, row.row.point_kind), path.clone().unwrap_or_default());
            0
        }
    };
    let section = sections::section_of(row.row.sum_target_out).unwrap_or("80").to_string();
    let master = mref(set, &mut st.files, row.origin, row.valid_from, row.valid_to);
    st.billed.push(Billed { date: d, code: row.row.code, count });
    st.lines.push(Line {
        date: d,
        code: row.row.code.to_string(),
        name: row.row.name.to_string(),
        points,
        count,
        section,
        origin,
        reason: Reason { rule: rule.id.to_string(), source: rule.source.to_string(), master: Some(master), detail },
        path,
        visit,
        rp,
    });
}

#[allow(clippy::too_many_arguments)]
fn removed_s(set: &MasterSet, st: &mut St, d: NaiveDate, row: &Version<Procedure>, count: u32, origin: Origin, rule: &str, source: &str, why: String, path: Option<String>) {
    let master = mref(set, &mut st.files, row.origin, row.valid_from, row.valid_to);
    st.removed.push(Removed {
        date: d,
        code: row.row.code.to_string(),
        name: row.row.name.to_string(),
        points: procedure_points(&row.row).unwrap_or(0),
        count,
        origin,
        reason: Reason { rule: rule.to_string(), source: source.to_string(), master: Some(master), detail: Some(why) },
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
fn price_items(set: &MasterSet, ctx: &Ctx<'_>, st: &mut St, i: usize, items: &[ParsedItem<'_>], consumed: &mut [bool], has_base: bool) {
    let v = &ctx.claim.visits[i];
    let d = v.date;
    let vp = format!("visits[{i}]");
    let ipath = |j: usize| format!("{vp}.items[{j}]");
    // The section of each rp group's procedure, if it has one.
    let mut rp_section: BTreeMap<&str, (&'static str, pricing::DrugRule)> = BTreeMap::new();
    for it in items {
        if let (AnyVersion::S(s), Some(rp)) = (it.v, v.items[it.idx].rp.as_deref()) {
            if let Some(sec) = sections::section_of(s.row.sum_target_out) {
                let rule = if matches!(sec, "31" | "32" | "33") { pricing::DrugRule::MinOne } else { pricing::DrugRule::ZeroBelow15 };
                rp_section.entry(rp).or_insert((sec, rule));
            }
        }
    }
    let mut drug_groups: BTreeMap<String, Vec<&ParsedItem<'_>>> = BTreeMap::new();
    for it in items {
        if consumed[it.idx] {
            continue;
        }
        consumed[it.idx] = true;
        let item = &v.items[it.idx];
        let path = Some(ipath(it.idx));
        match it.v {
            AnyVersion::S(s) => {
                let p = &s.row;
                let count = item.count.unwrap_or(1);
                let reject = |why: String| why;
                let why = if p.in_out == InOut::InpatientOnly {
                    Some(reject("入院のみ (入外適用区分 1): not billable on an outpatient claim".into()))
                } else if sections::section_of(p.sum_target_out).is_none() {
                    Some("点数欄集計先識別（入院外） 0: not billable as an outpatient".into())
                } else if p.hosp_clinic == HospClinic::ClinicOnly && !ctx.is_clinic() {
                    Some("診療所のみ (病院・診療所区分 2)".into())
                } else if p.hosp_clinic == HospClinic::HospitalOnly && ctx.is_clinic() {
                    Some("病院のみ (病院・診療所区分 1)".into())
                } else if !(ctx.below(&p.age_upper, d) && ctx.at_least(&p.age_lower, d)) {
                    Some(format!("age {} outside the item's age limits ({:?} … {:?})", ctx.age_years(d), p.age_lower, p.age_upper))
                } else if is_base_row(p) && has_base {
                    Some("one base fee per visit (R6告示 第1部 通則1)".into())
                } else {
                    None
                };
                if let Some(why) = why {
                    removed_s(set, st, d, s, count, Origin::Input, "master-check", "医科診療行為マスター", why, path);
                    continue;
                }
                let mut points_override = None;
                let mut detail = None;
                if let Some(step) = &p.step {
                    match item.quantity.and_then(|q| pricing::step_points(step, q).map(|pts| (q, pts))) {
                        Some((q, pts)) => {
                            points_override = pts.round().to_i64();
                            detail = st.detail(|| format!("きざみ値: quantity {q} → {pts} points (下限 {}, 上限 {}, きざみ {} × {})", step.lower, step.upper, step.step, step.step_points));
                        }
                        None => {
                            st.diag(Level::Error, "STEP_QUANTITY", format!("{} {}: needs a quantity in ({}, {}] (きざみ値)", p.code, p.name, step.lower as i64 - step.step as i64, step.upper), format!("{}.quantity", ipath(it.idx)));
                            removed_s(set, st, d, s, count, Origin::Input, "kizami", "医科診療行為マスター きざみ値", "quantity missing or out of range".into(), path);
                            continue;
                        }
                    }
                }
                let rule = rules::RuleId { id: "unchecked", source: "医科診療行為マスター (no rule family checks this item yet)" };
                let detail = detail.or_else(|| st.detail(|| "priced from the master as given; unchecked".to_string()));
                push_s(set, st, d, i, s, count, Origin::Input, rule, detail, path, item.rp.clone());
                if let (Some(pts), Some(l)) = (points_override, st.lines.last_mut()) {
                    l.points = pts;
                    l.reason.rule = "kizami".into();
                    l.reason.source = "医科診療行為マスター きざみ値 (cols 30–35)".into();
                }
            }
            AnyVersion::Y(_) => {
                let key = item.rp.clone().unwrap_or_else(|| format!("#{}", it.idx));
                drug_groups.entry(key).or_default().push(it);
            }
            AnyVersion::T(t) => {
                let q = item.quantity.unwrap_or(Decimal::ONE);
                let pts = pricing::material_points(t.row.price, q, t.row.calc_kind);
                let section = item.rp.as_deref().and_then(|rp| rp_section.get(rp)).map(|s| s.0).unwrap_or("80");
                let master = mref(set, &mut st.files, t.origin, t.valid_from, t.valid_to);
                let detail = st.detail(|| format!("{} 円 × {q} ÷ 10 = {pts} (四捨五入)", t.row.price));
                st.billed.push(Billed { date: d, code: t.row.code, count: 1 });
                st.lines.push(Line {
                    date: d,
                    code: t.row.code.to_string(),
                    name: t.row.name.to_string(),
                    points: pts,
                    count: 1,
                    section: section.into(),
                    origin: Origin::Input,
                    reason: Reason { rule: "material".into(), source: "材料価格基準; 留意事項 (価格÷10円, 四捨五入; M)".into(), master: Some(master), detail },
                    path,
                    visit: i,
                    rp: item.rp.clone(),
                });
            }
            AnyVersion::C(c) => {
                let master = mref(set, &mut st.files, c.origin, c.valid_from, c.valid_to);
                let section = st.lines.iter().rev().find(|l| l.visit == i).map(|l| l.section.clone()).unwrap_or_else(|| "80".into());
                st.lines.push(Line {
                    date: d,
                    code: c.row.code.to_string(),
                    name: c.row.text.to_string(),
                    points: 0,
                    count: 1,
                    section,
                    origin: Origin::Input,
                    reason: Reason { rule: "comment".into(), source: "コメントマスター".into(), master: Some(master), detail: None },
                    path,
                    visit: i,
                    rp: item.rp.clone(),
                });
            }
        }
    }
    // Drugs, one 所定単位 per rp group.
    for (rp, group) in drug_groups {
        let first = &v.items[group[0].idx];
        let form = match group[0].v {
            AnyVersion::Y(y) => y.row.dosage_form,
            _ => DosageForm::Other,
        };
        let (usage, inferred) = usage_of(first, form);
        if inferred && !rp_section.contains_key(rp.as_str()) {
            st.diag(Level::Info, "USAGE_INFERRED", format!("usage not given: {usage:?} assumed from the drug's 剤形"), format!("{}.usage", ipath(group[0].idx)));
        }
        let with_proc = rp_section.get(rp.as_str()).copied();
        let (section, rule) = match (with_proc, usage) {
            (Some((sec, r)), _) => (sec, r),
            (None, Usage::Internal) => ("21", pricing::DrugRule::MinOne),
            (None, Usage::AsNeeded) => ("22", pricing::DrugRule::MinOne),
            (None, Usage::External) => ("23", pricing::DrugRule::MinOne),
            (None, Usage::Injection) => ("33", pricing::DrugRule::MinOne),
        };
        let outside = with_proc.is_none() && usage != Usage::Injection && v.prescription == Some(Prescription::Outside);
        if with_proc.is_none() && usage != Usage::Injection && v.prescription.is_none() {
            st.diag(Level::Warning, "PRESCRIPTION_KIND_MISSING", "drugs given but `prescription` (in_house / outside) not set: in_house assumed", format!("{vp}.prescription"));
        }
        let mut yen = Decimal::ZERO;
        let mut parts = Vec::new();
        for it in &group {
            let AnyVersion::Y(y) = it.v else { continue };
            let item = &v.items[it.idx];
            let q = match item.quantity {
                Some(q) => q,
                None => {
                    st.diag(Level::Warning, "QUANTITY_MISSING", format!("{} {}: no quantity; 1 assumed", y.row.code, y.row.name), format!("{}.quantity", ipath(it.idx)));
                    Decimal::ONE
                }
            };
            if !matches!(y.row.price_kind, PointKind::Yen) {
                st.diag(Level::Warning, "PRICE_KIND_NOT_COMPUTED", format!("{} {}: 金額種別 {:?} is not computed yet", y.row.code, y.row.name, y.row.price_kind), ipath(it.idx));
                continue;
            }
            yen += y.row.price * q;
            parts.push(format!("{} {}円×{}", y.row.code, y.row.price, q));
        }
        let count = match (with_proc, usage) {
            (None, Usage::Internal) | (None, Usage::AsNeeded) => first.days.unwrap_or_else(|| {
                st.diag(Level::Warning, "DAYS_MISSING", "no `days` for an internal / as-needed 剤: 1 assumed", format!("{}.days", ipath(group[0].idx)));
                1
            }),
            (None, Usage::External) => 1,
            _ => first.count.unwrap_or(1),
        };
        let pts = pricing::drug_points(yen, rule);
        let detail_text = if st.trace { Some(format!("Σ {} = {yen}円 per 所定単位 → {pts}点 × {count}", parts.join(" + "))) } else { None };
        let n = group.len();
        for (k, it) in group.iter().enumerate() {
            let AnyVersion::Y(y) = it.v else { continue };
            let master = mref(set, &mut st.files, y.origin, y.valid_from, y.valid_to);
            let last = k + 1 == n;
            if outside {
                st.removed.push(Removed {
                    date: d,
                    code: y.row.code.to_string(),
                    name: y.row.name.to_string(),
                    points: if last { pts } else { 0 },
                    count,
                    origin: Origin::Input,
                    reason: Reason { rule: "F400".into(), source: "R6告示 第5部 通則: 院外処方 — drugs are billed by the pharmacy".into(), master: Some(master), detail: None },
                    path: Some(ipath(it.idx)),
                });
                continue;
            }
            st.billed.push(Billed { date: d, code: y.row.code, count });
            st.lines.push(Line {
                date: d,
                code: y.row.code.to_string(),
                name: y.row.name.to_string(),
                points: if last { pts } else { 0 },
                count,
                section: section.into(),
                origin: Origin::Input,
                reason: Reason { rule: rule.id().into(), source: rule.source().into(), master: Some(master), detail: if last { detail_text.clone() } else { None } },
                path: Some(ipath(it.idx)),
                visit: i,
                rp: v.items[it.idx].rp.clone(),
            });
        }
    }
}
