//! Per-claim facts the rules ask about: facility 届出 and capabilities on a date, the patient's
//! age, what was billed already (history and earlier lines of the claim).

use crate::claim::{Claim, FacilityKind};
use chrono::{Datelike, NaiveDate};
use masters::{AgeBound, Code};

/// Capability ids the claim format documents (`facility.capabilities[].id`).
pub const KNOWN_CAPABILITIES: &[&str] = &[
    "e_prescription",
    "ehr_sharing",
    "online_eligibility",
    "pediatric_exception",
    "itemized_receipt",
    "emergency",
    "after_hours_special",
    "pharmacist",
];

/// A line already billed: from `history` or from earlier in this claim.
#[derive(Clone, Copy, Debug)]
pub struct Billed {
    pub date: NaiveDate,
    pub code: Code,
    pub count: u32,
}

/// What every stage reads: the claim, its validated items, the master set and its indexes, the
/// patient's history and the resolved 施設基準.
pub struct Ctx<'c> {
    pub claim: &'c Claim,
    pub set: &'c masters::MasterSet,
    pub index: &'c crate::Index,
    /// History lines (parsed codes), sorted by date.
    pub history: Vec<Billed>,
    /// `facility.standards[]`, resolved to codes ([`crate::standards`]).
    pub standards: Vec<crate::standards::Held>,
    /// The validated items of each visit (`items[visit]`).
    pub items: Vec<Vec<crate::validate::ParsedItem<'c>>>,
}

/// The state of one visit while its stages run (`pipeline::run` sequences them).
pub struct VisitState<'c> {
    pub i: usize,
    pub date: NaiveDate,
    /// Listed items a stage has taken (by item index).
    pub consumed: Vec<bool>,
    /// The base fee kind (rules::kihon), `None` on a visit without one.
    pub kind: Option<crate::rules::kihon::BaseKind>,
    /// The base fee was listed.
    pub explicit_base: bool,
    pub base_row: Option<&'c masters::Version<masters::Procedure>>,
    /// A listed 小児科外来診療料 / 小児かかりつけ診療料 that includes the base fee.
    pub bundle: bool,
    /// The time class (rules::jikan) and why.
    pub class: crate::rules::jikan::Class,
    pub class_why: String,
    /// The 注加算 decisions (rules::chu_kasan), reconciled after the DX family.
    pub decisions: Vec<crate::rules::chu_kasan::Decision<'c>>,
}

impl VisitState<'_> {
    /// The JSON path of the visit.
    pub fn path(&self) -> String {
        format!("visits[{}]", self.i)
    }
    /// The JSON path of one of its items.
    pub fn item_path(&self, j: usize) -> String {
        format!("visits[{}].items[{j}]", self.i)
    }
    /// Where one of its items is.
    pub fn at(&self, j: usize) -> crate::ledger::At {
        crate::ledger::At::item(self.i, j)
    }
}

impl<'c> Ctx<'c> {
    pub fn is_clinic(&self) -> bool {
        self.claim.facility.kind == FacilityKind::Clinic
    }

    /// 一般病床 200 or more: 外来診療料 instead of 再診料 (R6告示 A002).
    pub fn large_hospital(&self) -> bool {
        self.claim.facility.kind == FacilityKind::Hospital && self.claim.facility.beds >= 200
    }

    /// Whether the facility holds the 施設基準 `code` (as the master writes it, e.g. 4035) on `d`
    /// — given by code or by a name the table resolves to it.
    pub fn has_standard(&self, code: u16, d: NaiveDate) -> bool {
        self.standards.iter().any(|s| s.code == Some(code) && s.on(d))
    }

    /// Whether the facility holds a 施設基準 given by name on `d` (for 届出 no master row carries
    /// as a code, e.g. 夜間・早朝等加算).
    pub fn has_standard_named(&self, name: &str, d: NaiveDate) -> bool {
        self.standards.iter().any(|s| s.name == Some(name) && s.on(d))
    }

    pub fn has_capability(&self, id: &str, d: NaiveDate) -> bool {
        self.claim
            .facility
            .capabilities
            .iter()
            .any(|c| c.id == id && c.from <= d && c.to.is_none_or(|t| d <= t))
    }

    /// Age in whole years on `d` (the birthday counts from its day).
    pub fn age_years(&self, d: NaiveDate) -> u32 {
        age_years(self.claim.patient.birth_date, d)
    }

    /// Whether the patient's age on `d` satisfies a master age bound used as an upper limit
    /// (`上限年齢`: billable while younger than it).
    pub fn below(&self, b: &AgeBound, d: NaiveDate) -> bool {
        let birth = self.claim.patient.birth_date;
        match b {
            AgeBound::None => true,
            AgeBound::Years(n) => age_years(birth, d) < *n as u32,
            AgeBound::Days28 => (d - birth).num_days() < 28,
            AgeBound::MonthAfterBirthday(n) => d < month_after_birthday(birth, *n as u32),
            AgeBound::Preschool => d < school_entry(birth),
            AgeBound::Other(_) => true,
        }
    }

    /// Whether the age on `d` satisfies a lower bound (`下限年齢`).
    pub fn at_least(&self, b: &AgeBound, d: NaiveDate) -> bool {
        match b {
            AgeBound::None | AgeBound::Other(_) => true,
            other => !self.below(other, d),
        }
    }
}

pub fn age_years(birth: NaiveDate, d: NaiveDate) -> u32 {
    let mut years = d.year() - birth.year();
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The first day of the month after the n-th birthday (age codes B3, B6, BF, BK): the month
/// 12·n + 1 months after the birth month.
fn month_after_birthday(birth: NaiveDate, n: u32) -> NaiveDate {
    crate::month::month_start_plus(birth, 12 * n as i32 + 1).unwrap_or(NaiveDate::MAX)
}

/// 未就学: school entry is the 1st of April after the 6th birthday (a child born on 1 April
/// enters the year before: 学校教育法 第17条 and 年齢計算ニ関スル法律).
fn school_entry(birth: NaiveDate) -> NaiveDate {
    let sixth = birth.with_year(birth.year() + 6).unwrap_or(NaiveDate::MAX);
    // The age is reached the day before the birthday.
    let reached = sixth.pred_opt().unwrap_or(sixth);
    let y = if reached.month() < 4 {
        reached.year()
    } else {
        reached.year() + 1
    };
    NaiveDate::from_ymd_opt(y, 4, 1).unwrap_or(NaiveDate::MAX)
}

// Month arithmetic lives in `crate::month`; re-exported here for the rule files that import it
// from `crate::context` (rules/monthly.rs, rules/iryo_dx.rs).
pub use crate::month::{month_key_minus, month_start};

#[cfg(test)]
mod tests {
    use super::*;
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    #[test]
    fn ages() {
        assert_eq!(age_years(d(2019, 5, 10), d(2025, 5, 9)), 5);
        assert_eq!(age_years(d(2019, 5, 10), d(2025, 5, 10)), 6);
        assert_eq!(month_after_birthday(d(2022, 12, 5), 3), d(2026, 1, 1));
        assert_eq!(school_entry(d(2019, 5, 10)), d(2026, 4, 1));
        assert_eq!(school_entry(d(2019, 4, 1)), d(2025, 4, 1));
    }
}
