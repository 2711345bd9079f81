//! The typed working ledger of one claim: every line the rules bill or remove, as typed values
//! (the master code as an integer, the master row it was priced from, the 診療識別, the rule id
//! from the catalogue, the claim item it came from). Stages read and change these values; no
//! stage parses a code, a section, a rule id or a JSON path back out of text.
//!
//! The serializable result ([`Outcome`]) is built from the ledger once, at the end
//! ([`Ledger::into_outcome`]): only that boundary knows the JSON shape, the master file names and
//! the JSON paths.

use crate::context::Billed;
use crate::outcome::{Diagnostic, Level, Line, MasterFileRef, MasterRowRef, Origin, Outcome, Reason, Removed, Text};
use crate::rules::sections::Section;
use crate::rules::RuleId;
use crate::ClaimError;
use chrono::NaiveDate;
use masters::{AnyVersion, Code, MasterSet, PointKind, Procedure, Version};
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A listed item of the claim: `visits[visit].items[item]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemRef {
    pub visit: usize,
    pub item: usize,
}

/// Where in the claim a line comes from (its JSON path, written only at the boundary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// A listed item.
    Item(ItemRef),
    /// A field of a visit that asked for the line (e.g. `visits[2].management`).
    VisitField(usize, &'static str),
}

impl At {
    pub fn item(visit: usize, item: usize) -> At {
        At::Item(ItemRef { visit, item })
    }
    pub fn item_ref(self) -> Option<ItemRef> {
        match self {
            At::Item(r) => Some(r),
            At::VisitField(..) => None,
        }
    }
    /// The JSON path (`visits[2].items[5]`, `visits[0].management`), built without the
    /// formatting machinery (it is written for every input line).
    pub fn path(self) -> String {
        fn num(out: &mut String, n: usize) {
            let mut buf = [0u8; 20];
            let mut i = buf.len();
            let mut n = n;
            loop {
                i -= 1;
                buf[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
        }
        let mut out = String::with_capacity(24);
        out.push_str("visits[");
        match self {
            At::Item(r) => {
                num(&mut out, r.visit);
                out.push_str("].items[");
                num(&mut out, r.item);
                out.push(']');
            }
            At::VisitField(v, f) => {
                num(&mut out, v);
                out.push_str("].");
                out.push_str(f);
            }
        }
        out
    }
}

/// One line of the ledger, billed or removed.
#[derive(Clone, Debug)]
pub struct Entry<'c> {
    pub date: NaiveDate,
    pub code: Code,
    /// The master row the line was priced from (name, provenance).
    pub row: AnyVersion<'c>,
    /// Integer points of one unit.
    pub points: i64,
    pub count: u32,
    pub section: Section,
    pub origin: Origin,
    pub rule: RuleId,
    /// The 告示/通知 the rule cites for this line.
    pub source: Text,
    pub detail: Option<String>,
    pub at: Option<At>,
    /// Index of the visit the line belongs to.
    pub visit: usize,
    /// The 剤 / procedure group label of the input.
    pub rp: Option<&'c str>,
}

impl Entry<'_> {
    /// The listed item this line comes from.
    pub fn item(&self) -> Option<ItemRef> {
        self.at.and_then(At::item_ref)
    }
    /// The 診療行為 row of the line, if it is one.
    pub fn procedure(&self) -> Option<&Procedure> {
        match self.row {
            AnyVersion::S(s) => Some(&s.row),
            _ => None,
        }
    }
}

/// Integer points of one unit of a 診療行為 row, or `None` when its 点数識別 is not computed yet.
pub fn procedure_points(p: &Procedure) -> Option<i64> {
    let pts = p.points.round().to_i64()?;
    match p.point_kind {
        PointKind::Points => Some(pts),
        PointKind::MinusPoints => Some(-pts),
        _ => None,
    }
}

/// The state of one claim's calculation.
pub struct Ledger<'c> {
    pub set: &'c MasterSet,
    pub lines: Vec<Entry<'c>>,
    pub removed: Vec<Entry<'c>>,
    pub diags: Vec<Diagnostic>,
    /// What the claim has billed so far (date order of computation), for the limits.
    pub billed: Vec<Billed>,
    pub trace: bool,
    /// Index in `lines` of the first line of the visit being computed: a visit's lines are all
    /// pushed while it is computed, so per-visit lookups scan only `lines[visit_start..]`.
    pub visit_start: usize,
}

impl<'c> Ledger<'c> {
    pub fn new(set: &'c MasterSet, trace: bool) -> Self {
        Ledger {
            set,
            lines: Vec::new(),
            removed: Vec::new(),
            diags: Vec::new(),
            billed: Vec::new(),
            trace,
            visit_start: 0,
        }
    }

    pub fn diag(&mut self, level: Level, code: &'static str, message: impl Into<String>, path: impl Into<String>) {
        self.diags.push(Diagnostic {
            level,
            code,
            message: message.into(),
            path: path.into(),
        });
    }

    /// A decision detail, built only when tracing.
    pub fn detail(&self, f: impl FnOnce() -> String) -> Option<String> {
        self.trace.then(f)
    }

    /// The lines of the visit being computed.
    pub fn visit_lines(&self) -> &[Entry<'c>] {
        &self.lines[self.visit_start..]
    }

    /// Bills an entry (and counts it for the limits).
    pub fn bill(&mut self, e: Entry<'c>) {
        self.billed.push(Billed {
            date: e.date,
            code: e.code,
            count: e.count,
        });
        self.lines.push(e);
    }

    /// Bills a 診療行為 row at its master points.
    #[allow(clippy::too_many_arguments)]
    pub fn bill_s(
        &mut self,
        d: NaiveDate,
        visit: usize,
        row: &'c Version<Procedure>,
        count: u32,
        origin: Origin,
        rule: RuleId,
        source: impl Into<Text>,
        detail: Option<String>,
        at: Option<At>,
        rp: Option<&'c str>,
    ) {
        let points = match procedure_points(&row.row) {
            Some(p) => p,
            None => {
                self.diag(
                    Level::Warning,
                    "POINT_KIND_NOT_COMPUTED",
                    format!(
                        "{} {}: 点数識別 {:?} is not computed yet; billed at 0",
                        row.row.code, row.row.name, row.row.point_kind
                    ),
                    at.map(At::path).unwrap_or_default(),
                );
                0
            }
        };
        self.bill(Entry {
            date: d,
            code: row.row.code,
            row: AnyVersion::S(row),
            points,
            count,
            section: Section::of_procedure(&row.row),
            origin,
            rule,
            source: source.into(),
            detail,
            at,
            visit,
            rp,
        });
    }

    /// Bills one unit of a 診療行為 row at points a rule computed from it (e.g. 100分の200 of the
    /// row's points), so no stage patches a line after pushing it.
    #[allow(clippy::too_many_arguments)]
    pub fn bill_at(
        &mut self,
        d: NaiveDate,
        visit: usize,
        row: &'c Version<Procedure>,
        points: i64,
        origin: Origin,
        rule: RuleId,
        source: impl Into<Text>,
        detail: Option<String>,
        at: Option<At>,
    ) {
        self.bill(Entry {
            date: d,
            code: row.row.code,
            row: AnyVersion::S(row),
            points,
            count: 1,
            section: Section::of_procedure(&row.row),
            origin,
            rule,
            source: source.into(),
            detail,
            at,
            visit,
            rp: None,
        });
    }

    /// Bills a code a rule derived, from the master row valid on `d`; a code without a version
    /// on that date is reported (e.g. 医療情報・システム基盤整備体制充実加算３ existed only
    /// 2023-04 … 2023-12: outside its validity the 加算 does not exist, and the master says so).
    pub fn bill_derived(
        &mut self,
        d: NaiveDate,
        visit: usize,
        code: u32,
        rule: RuleId,
        source: &'static str,
        why: &str,
    ) {
        match self.set.s.lookup(Code(code), d) {
            Some(row) => {
                let detail = self.detail(|| why.to_string());
                self.bill_s(d, visit, row, 1, Origin::Derived, rule, source, detail, None, None);
            }
            None => self.diag(
                Level::Info,
                "CODE_NOT_VALID_ON_DATE",
                format!("{rule}: {code} has no master version valid on {d}; not billed"),
                format!("visits[{visit}]"),
            ),
        }
    }

    /// Records a listed 診療行為 row as not billed, with the reason.
    #[allow(clippy::too_many_arguments)]
    pub fn remove_s(
        &mut self,
        d: NaiveDate,
        row: &'c Version<Procedure>,
        count: u32,
        origin: Origin,
        rule: RuleId,
        source: impl Into<Text>,
        why: String,
        at: Option<At>,
    ) {
        self.removed.push(Entry {
            date: d,
            code: row.row.code,
            row: AnyVersion::S(row),
            points: procedure_points(&row.row).unwrap_or(0),
            count,
            section: Section::of_procedure(&row.row),
            origin,
            rule,
            source: source.into(),
            detail: Some(why),
            at,
            visit: at.and_then(At::item_ref).map_or(0, |r| r.visit),
            rp: None,
        });
    }

    /// Moves a billed entry to `removed` with a new reason.
    pub fn strike(&mut self, mut e: Entry<'c>, rule: RuleId, source: impl Into<Text>, why: String) {
        e.rule = rule;
        e.source = source.into();
        e.detail = Some(why);
        self.removed.push(e);
    }

    /// The result: checked sums (an overflow is a claim error naming the line, never a wrapped
    /// total), master provenance, JSON paths and names — the only place that knows the output.
    pub fn into_outcome(self, id: Option<String>) -> Result<Outcome, ClaimError> {
        let set = self.set;
        let mut files: BTreeSet<u16> = BTreeSet::new();
        let mut sections: BTreeMap<String, i64> = BTreeMap::new();
        let mut by_section: BTreeMap<Section, i64> = BTreeMap::new();
        let mut total = 0i64;
        for l in &self.lines {
            let overflow = || {
                ClaimError::invalid(
                    l.at.map(At::path).unwrap_or_else(|| format!("visits[{}]", l.visit)),
                    format!(
                        "the points of {} ({} × {}) overflow the claim's total",
                        l.code, l.points, l.count
                    ),
                )
            };
            let p = l.points.checked_mul(i64::from(l.count)).ok_or_else(overflow)?;
            total = total.checked_add(p).ok_or_else(overflow)?;
            let sec = by_section.entry(l.section).or_default();
            *sec = sec.checked_add(p).ok_or_else(overflow)?;
        }
        for (s, p) in by_section {
            sections.insert(s.to_string(), p);
        }
        let mut mref = |row: AnyVersion<'_>| -> MasterRowRef {
            let origin = row.origin();
            files.insert(origin.file);
            let f = set.file(origin);
            let vt = row.valid_to();
            MasterRowRef {
                file: f.name.clone(),
                line: origin.line,
                valid_from: row.valid_from(),
                valid_to: (vt != masters::OPEN_END).then_some(vt),
                supplement: f.layer == masters::Layer::Supplement,
            }
        };
        let lines: Vec<Line> = self
            .lines
            .into_iter()
            .map(|e| Line {
                item: e.item(),
                date: e.date,
                code: e.code,
                name: name_of(e.row),
                points: e.points,
                count: e.count,
                section: e.section,
                origin: e.origin,
                reason: Reason {
                    rule: e.rule,
                    source: e.source,
                    master: Some(mref(e.row)),
                    detail: e.detail,
                },
                path: e.at.map(At::path),
                visit: e.visit,
                rp: e.rp.map(str::to_string),
            })
            .collect();
        let removed: Vec<Removed> = self
            .removed
            .into_iter()
            .map(|e| Removed {
                item: e.item(),
                date: e.date,
                code: e.code,
                name: name_of(e.row),
                points: e.points,
                count: e.count,
                origin: e.origin,
                reason: Reason {
                    rule: e.rule,
                    source: e.source,
                    master: Some(mref(e.row)),
                    detail: e.detail,
                },
                path: e.at.map(At::path),
            })
            .collect();
        let masters_used = files
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
            id,
            total_points: total,
            lines,
            removed,
            diagnostics: self.diags,
            masters: masters_used,
            sections,
            burden: None,
        })
    }
}

/// The name a result line shows: the master row's name (a comment's text), shared, not copied.
pub fn name_of(row: AnyVersion<'_>) -> Arc<str> {
    match row {
        AnyVersion::S(s) => s.row.name.clone(),
        AnyVersion::Y(y) => y.row.name.clone(),
        AnyVersion::T(t) => t.row.name.clone(),
        AnyVersion::C(c) => c.row.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn paths() {
        assert_eq!(At::item(12, 0).path(), "visits[12].items[0]");
        assert_eq!(At::item(0, 1000).path(), "visits[0].items[1000]");
        assert_eq!(At::VisitField(3, "management").path(), "visits[3].management");
    }
}
