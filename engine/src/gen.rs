//! Deterministic generator of realistic outpatient claims, for benchmarks, load tests and
//! what-if runs (`santei gen`).
//!
//! ## 何をするか
//! From a master set and a month, builds pools of codes **valid for the whole month** (first and
//! last day) and draws claims from them with a small seeded PRNG ([`SplitMix64`]; no external
//! crate), so the same `(masters, month, seed)` always gives the same claims:
//! - facility: ~70 % 診療所 (0 beds), ~30 % 病院 (20–499 beds; ≥ 200 → 外来診療料), standard
//!   表示診療時間 (Mon–Fri 09:00–18:00, Sat 09:00–12:00); some hold 施設基準 read from the master
//!   (the codes that the DX family and the 初診料/再診料 注加算 rows carry, cols 72–81), some carry
//!   capabilities and マイナ保険証利用率 for the months before;
//! - patient: ages 0–94 skewed to the elderly, either sex;
//! - 1–3 visits on distinct days: the first is 初診 (35 %) or 再診, later ones 再診; ~10 % after
//!   hours (urgent ones among them), ~40 % マイナ保険証, some 外来管理加算;
//! - items: 0–3 検体検査 (D000–D025 main items of 区分 D with plain points, no きざみ, no age or
//!   施設基準 limit, both 病院 and 診療所) and, on about half of the visits, 1–3 drugs in 1–2 剤
//!   (内用薬, 剤形 1, and some 外用薬, 剤形 6, with a yen price of at most 200円 per unit), 院内 or
//!   院外.
//!
//! Nothing here is a fee rule: the engine prices whatever is drawn.

use crate::claim::*;
use crate::rules::iryo_dx;
use chrono::{Datelike, NaiveDate};
use masters::{AgeBound, DosageForm, HospClinic, InOut, MasterSet, PointKind};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for test data.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
}

/// The codes the generator draws from, valid through one month.
#[derive(Clone, Debug, Default)]
pub struct Pools {
    pub tests: Vec<String>,
    pub internal_drugs: Vec<String>,
    pub external_drugs: Vec<String>,
    /// 施設基準コード carried by the DX family and the base fees' 注加算 rows.
    pub standards: Vec<String>,
}

impl Pools {
    /// Reads the pools from `set` for the month `[first, last]`.
    pub fn build(set: &MasterSet, first: NaiveDate, last: NaiveDate) -> Pools {
        let mut tests = Vec::new();
        let mut standards: BTreeSet<u16> = BTreeSet::new();
        for (code, _) in set.s.iter() {
            let (Some(a), Some(b)) = (set.s.lookup(code, first), set.s.lookup(code, last)) else {
                continue;
            };
            for r in [&a.row, &b.row] {
                let base_family = r.tbl_alpha == 'A' && r.tbl_kubun <= 2;
                if (base_family && r.chu_kasan_seq != b'0') || iryo_dx::is_family(r.code.0) {
                    standards.extend(r.facility_standards.iter().copied());
                }
            }
            let ok = |r: &masters::Procedure| {
                r.tbl_alpha == 'D'
                    && r.tbl_kubun <= 25
                    && r.kokuji1 == b'1'
                    && r.chu_kasan_seq == b'0'
                    && r.point_kind == PointKind::Points
                    && r.points > Decimal::ZERO
                    && r.in_out != InOut::InpatientOnly
                    && r.sum_target_out == 600
                    && r.hosp_clinic == HospClinic::Both
                    && r.age_lower == AgeBound::None
                    && r.age_upper == AgeBound::None
                    && r.step.is_none()
                    && r.facility_standards.is_empty()
            };
            if ok(&a.row) && ok(&b.row) {
                tests.push(code);
            }
        }
        let mut internal = Vec::new();
        let mut external = Vec::new();
        for (code, _) in set.y.iter() {
            let (Some(a), Some(b)) = (set.y.lookup(code, first), set.y.lookup(code, last)) else {
                continue;
            };
            // Everyday drugs: a yen price of at most 200円 per unit (a tablet, a gram, a sheet).
            let ok = |r: &masters::Drug| {
                r.price_kind == PointKind::Yen
                    && r.price > Decimal::ZERO
                    && r.price <= Decimal::from(200)
                    && r.transition_date.is_none_or(|t| t >= last)
            };
            if !(ok(&a.row) && ok(&b.row)) {
                continue;
            }
            match (a.row.dosage_form, b.row.dosage_form) {
                (DosageForm::Internal, DosageForm::Internal) => internal.push(code),
                (DosageForm::External, DosageForm::External) => external.push(code),
                _ => {}
            }
        }
        tests.sort();
        internal.sort();
        external.sort();
        let s = |v: Vec<masters::Code>| v.into_iter().map(|c| c.to_string()).collect();
        Pools {
            tests: s(tests),
            internal_drugs: s(internal),
            external_drugs: s(external),
            standards: standards.into_iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// A seeded claim generator over one month; an endless iterator of claims.
#[derive(Clone, Debug)]
pub struct Generator {
    pub pools: Pools,
    rng: SplitMix64,
    first: NaiveDate,
    days: u32,
    seed: u64,
    n: u64,
}

// Month arithmetic lives in `crate::month`; re-exported for the callers of `engine::gen`
// (`santei gen`, the batch benchmark and tests parse their `--month` with it).
pub use crate::month::{month_end, parse_month};

impl Generator {
    /// A generator for the month of `month` (any day of it).
    pub fn new(set: &MasterSet, month: NaiveDate, seed: u64) -> Generator {
        let first = crate::month::month_start(month);
        let last = month_end(first);
        Generator {
            pools: Pools::build(set, first, last),
            rng: SplitMix64::new(seed),
            first,
            days: last.day(),
            seed,
            n: 0,
        }
    }

    fn facility(&mut self) -> Facility {
        let r = &mut self.rng;
        let hospital = r.chance(30);
        let beds = if hospital { r.range(20, 499) as u32 } else { 0 };
        let hours = vec![
            Hours {
                weekdays: vec![1, 2, 3, 4, 5],
                open: "09:00".into(),
                close: "18:00".into(),
            },
            Hours {
                weekdays: vec![6],
                open: "09:00".into(),
                close: "12:00".into(),
            },
        ];
        let mut standards = Vec::new();
        if !self.pools.standards.is_empty() && r.chance(40) {
            for _ in 0..r.range(1, 3) {
                let code = r.pick(&self.pools.standards).clone();
                if !standards
                    .iter()
                    .any(|s: &Standard| s.code.as_deref() == Some(code.as_str()))
                {
                    standards.push(Standard {
                        code: Some(code),
                        name: None,
                        from: NaiveDate::from_ymd_opt(2020, 4, 1).expect("date"),
                        to: None,
                    });
                }
            }
        }
        let since = NaiveDate::from_ymd_opt(2021, 4, 1).expect("date");
        let mut capabilities = Vec::new();
        for (id, p) in [
            ("online_eligibility", 80),
            ("e_prescription", 30),
            ("itemized_receipt", 50),
            ("ehr_sharing", 10),
        ] {
            if r.chance(p) {
                capabilities.push(Capability {
                    id: id.into(),
                    from: since,
                    to: None,
                });
            }
        }
        let mut myna_rates = BTreeMap::new();
        if r.chance(60) {
            let base = r.range(5, 70) as i64;
            for k in 1..=6u32 {
                let key = crate::month::month_key_minus(self.first, k);
                myna_rates.insert(key, Decimal::new(base * 10 + r.range(0, 99) as i64, 1));
            }
        }
        Facility {
            kind: if hospital {
                FacilityKind::Hospital
            } else {
                FacilityKind::Clinic
            },
            beds,
            hours,
            standards,
            capabilities,
            myna_rates,
        }
    }

    fn items(&mut self, prescription: &mut Option<Prescription>) -> Vec<Item> {
        let r = &mut self.rng;
        let mut items = Vec::new();
        if !self.pools.tests.is_empty() {
            let n = *r.pick(&[0u64, 0, 1, 1, 2, 3]);
            for _ in 0..n {
                items.push(Item {
                    code: r.pick(&self.pools.tests).clone(),
                    quantity: None,
                    days: None,
                    rp: None,
                    usage: None,
                    count: None,
                    specimen: None,
                    generic_name: None,
                    temporary: false,
                    minutes: None,
                    started: None,
                });
            }
        }
        if !self.pools.internal_drugs.is_empty() && r.chance(50) {
            *prescription = Some(if r.chance(50) {
                Prescription::InHouse
            } else {
                Prescription::Outside
            });
            let rps = r.range(1, 2);
            for rp in 1..=rps {
                let external = rp == 2 && !self.pools.external_drugs.is_empty() && r.chance(30);
                let days = Some(*r.pick(&[3u32, 5, 7, 14, 28, 30]));
                for _ in 0..r.range(1, 2) {
                    let (code, usage, quantity, days) = if external {
                        (
                            r.pick(&self.pools.external_drugs).clone(),
                            Usage::External,
                            Decimal::from(r.range(1, 10)),
                            None,
                        )
                    } else {
                        (
                            r.pick(&self.pools.internal_drugs).clone(),
                            Usage::Internal,
                            Decimal::from(r.range(1, 3)),
                            days,
                        )
                    };
                    items.push(Item {
                        code,
                        quantity: Some(quantity),
                        days,
                        rp: Some(rp.to_string()),
                        usage: Some(usage),
                        count: None,
                        specimen: None,
                        generic_name: None,
                        temporary: false,
                        minutes: None,
                        started: None,
                    });
                }
            }
        }
        items
    }

    /// The next claim.
    pub fn claim(&mut self) -> Claim {
        self.n += 1;
        let facility = self.facility();
        let r = &mut self.rng;
        let age = if r.chance(15) {
            r.range(0, 14)
        } else if r.chance(45) {
            r.range(15, 64)
        } else {
            r.range(65, 94)
        };
        let birth = NaiveDate::from_ymd_opt(
            self.first.year() - age as i32 - 1,
            r.range(1, 12) as u32,
            r.range(1, 28) as u32,
        )
        .expect("date");
        let patient = Patient {
            birth_date: birth,
            sex: Some(if r.chance(50) { Sex::Female } else { Sex::Male }),
            tokutei_shikkan: None,
            rehab: Vec::new(),
            kaigo: None,
            discharged: None,
            home: None,
        };
        let n_visits = *r.pick(&[1u32, 1, 1, 2, 2, 3]);
        let mut days: BTreeSet<u32> = BTreeSet::new();
        while days.len() < n_visits as usize {
            days.insert(r.range(1, self.days as u64) as u32);
        }
        let first_kind = if r.chance(35) {
            VisitKind::First
        } else {
            VisitKind::Revisit
        };
        let mut visits = Vec::new();
        for (k, day) in days.into_iter().enumerate() {
            let r = &mut self.rng;
            let date = self.first.with_day(day).expect("day in month");
            let after = r.chance(10);
            let (h, m) = if after {
                (*r.pick(&[6u64, 7, 18, 19, 20, 21, 22, 23]), r.below(4) * 15)
            } else {
                (r.range(9, 16), r.below(4) * 15)
            };
            let kind = if k == 0 { first_kind } else { VisitKind::Revisit };
            let myna = r.chance(40);
            let management = kind == VisitKind::Revisit && r.chance(40);
            let urgent = after && r.chance(50);
            let mut prescription = None;
            let items = self.items(&mut prescription);
            visits.push(Visit {
                date,
                time: Some(format!("{h:02}:{m:02}")),
                kind,
                department: None,
                time_class: None,
                urgent,
                myna,
                management,
                phone: false,
                prescription,
                items,
                aid: None,
                tokutei: None,
                psychotropics: None,
                home: None,
            });
        }
        Claim {
            facility,
            patient,
            history: Vec::new(),
            visits,
            id: Some(format!("gen-{}-{}", self.seed, self.n)),
            insurance: None,
            public_aid: Vec::new(),
            futan_history: None,
            inpatient: None,
        }
    }
}

impl Iterator for Generator {
    type Item = Claim;
    fn next(&mut self) -> Option<Claim> {
        Some(self.claim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_deterministic_and_bounded() {
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            let x = a.range(3, 7);
            assert!((3..=7).contains(&x));
            b.range(3, 7);
        }
        // Reference value of SplitMix64 with seed 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
