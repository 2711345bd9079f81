//! The revision boundary (改定): which 診療報酬改定 a loaded master set covers, and a loud
//! warning `REVISION_NOT_COVERED` when a claim's service date falls under a revision the set's
//! official 医科診療行為マスター files do not carry.
//!
//! A set *covers* a revision when an official (not supplement) s master or 変更ファイル holds a
//! row version valid from the revision date or later: the master of a revision is published
//! with rows dated from its first day (s_ALL20240531 carries 変更年月日 2024-06-01). A set
//! whose newest s row is older computes every code the revision changed with the older points —
//! legal for a month before the revision, wrong after it — so the claim says so. Issue 13 item 1.
//!
//! The fronts decide how loud: `santei calc` prints it (and fails with `--strict`), `santei
//! batch` counts the claims concerned in its summary instead of repeating it on every result,
//! the C ABI turns it into `SANTEI_INVALID_CLAIM` with the flag `SANTEI_CALC_STRICT`.

use crate::outcome::{Diagnostic, Level};
use chrono::NaiveDate;
use masters::{Layer, MasterSet};

/// The revisions (改定日) santei's rules know, newest last. Sources: 令和4年厚生労働省告示第54号
/// (2022-04-01), 令和6年厚生労働省告示第57号 (2024-06-01), the 令和8年度 告示 in
/// `shared/reference/text/r8/ika-kokuji.txt` (2026-06-01). Mid-cycle changes (e.g. the
/// 2024-12-01 and 2025-04-01 DX-family steps) are dated inside their rule files.
pub const REVISIONS: [(NaiveDate, &str); 3] = [
    (date(2022, 4, 1), "令和4年度改定 (2022-04-01)"),
    (date(2024, 6, 1), "令和6年度改定 (2024-06-01)"),
    (date(2026, 6, 1), "令和8年度改定 (2026-06-01)"),
];

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(x) => x,
        None => panic!("bad revision date"),
    }
}

/// What the loaded set's s master covers, computed once per engine.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// The latest `valid_from` of an official s row version (None: no official s row).
    pub newest_official: Option<NaiveDate>,
    /// The newest official s file (name, publication date).
    pub newest_file: Option<(String, NaiveDate)>,
    /// Per revision: how many codes the supplement carries from that date on.
    pub supplement_codes: Vec<(NaiveDate, usize)>,
}

impl Coverage {
    pub fn of(set: &MasterSet) -> Coverage {
        let mut newest_official: Option<NaiveDate> = None;
        let mut supplement_from: Vec<NaiveDate> = Vec::new();
        for code in set.s.codes() {
            let mut supp: Option<NaiveDate> = None;
            for v in set.s.history(code) {
                if set.file(v.origin).layer == Layer::Supplement {
                    supp = Some(supp.map_or(v.valid_from, |s| s.max(v.valid_from)));
                } else {
                    newest_official = Some(newest_official.map_or(v.valid_from, |n| n.max(v.valid_from)));
                }
            }
            supplement_from.extend(supp);
        }
        let newest_file = set
            .files_of(masters::Kind::S)
            .filter(|f| f.layer != Layer::Supplement)
            .max_by_key(|f| f.published)
            .map(|f| (f.name.to_string(), f.published));
        let supplement_codes = REVISIONS
            .iter()
            .map(|(r, _)| (*r, supplement_from.iter().filter(|d| *d >= r).count()))
            .collect();
        Coverage {
            newest_official,
            newest_file,
            supplement_codes,
        }
    }

    /// The revision in force on `d` that the set does not cover, if any.
    pub fn not_covered(&self, d: NaiveDate) -> Option<(NaiveDate, &'static str)> {
        let (rev, name) = REVISIONS.iter().rev().find(|(r, _)| *r <= d)?;
        match self.newest_official {
            Some(n) if n >= *rev => None,
            _ => Some((*rev, *name)),
        }
    }

    /// The warning for a claim whose first service date is `d`.
    pub fn diagnostic(&self, d: NaiveDate) -> Option<Diagnostic> {
        let (rev, name) = self.not_covered(d)?;
        let newest = match &self.newest_file {
            Some((f, p)) => format!("the newest 医科診療行為マスター file is {f} ({p})"),
            None => "the set has no official 医科診療行為マスター file".into(),
        };
        let supp = self
            .supplement_codes
            .iter()
            .find(|(r, _)| *r == rev)
            .map_or(0, |(_, n)| *n);
        Some(Diagnostic {
            level: Level::Warning,
            code: "REVISION_NOT_COVERED",
            message: format!(
                "{d} falls under the {name}, which the master set does not cover: {newest}; the points of codes revised on {rev} are the older master's, except the {supp} codes santei's supplement carries from {rev}"
            ),
            path: "visits[0].date".into(),
        })
    }
}
