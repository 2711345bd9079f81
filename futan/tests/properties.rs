//! Properties over thousands of generated receipt-months (a small deterministic xorshift
//! generator, so a failure reproduces from its seed):
//!
//! 1. patient + insurer + Σ 公費 paid = 医療費 (futan.md §6), and every 公費 pays ≥ 0 of what
//!    reached it;
//! 2. the patient never pays above the limit that applies: a part's copay ≤ its limit, its patient
//!    amount ≤ its copay; 70歳以上 (all parts in the 合算) the receipt ≤ the own limit on the
//!    whole 医療費; 70歳未満 単独 the receipt ≤ that limit;
//! 3. the counter: Σ visits[].counter_yen = counter_yen; it differs from the 1円 patient amount
//!    only by the 10円 rounding of uncapped payments (≤ 5円 a visit) and equals it when the last
//!    payment of a one-part receipt was cap-determined; Σ visits[].patient_yen = patient_yen;
//! 4. the month figures do not depend on the order of visits (all on one date, reversed).

use futan::{compute, AgeClass, FutanInput, Insurance, InsuranceKind, PublicAid, VisitInput, YearMonth};
use rust_decimal::Decimal;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Months the shipped tables cover, with the income names valid then for 70歳未満 / 70歳以上 / 後期.
const MONTHS: &[(i32, u32)] = &[
    (2012, 4),
    (2015, 1),
    (2017, 9),
    (2018, 8),
    (2023, 4),
    (2024, 6),
    (2026, 7),
];

fn incomes(year: i32, month: u32, kind: AgeClass) -> &'static [&'static str] {
    let d = year * 100 + month as i32;
    match kind {
        AgeClass::Preschool | AgeClass::General => {
            if d >= 201501 {
                &["ア", "イ", "ウ", "エ", "オ"]
            } else {
                &["上位所得", "一般", "低所得"]
            }
        }
        AgeClass::Kourei | AgeClass::Kouki => {
            let split = kind == AgeClass::Kouki && d >= 202210;
            match (d >= 201808, split) {
                (true, true) => &[
                    "現役並みⅢ",
                    "現役並みⅡ",
                    "現役並みⅠ",
                    "一般Ⅱ",
                    "一般Ⅰ",
                    "低所得Ⅱ",
                    "低所得Ⅰ",
                ],
                (true, false) => &["現役並みⅢ", "現役並みⅡ", "現役並みⅠ", "一般", "低所得Ⅱ", "低所得Ⅰ"],
                (false, _) => &["現役並み", "一般", "低所得Ⅱ", "低所得Ⅰ"],
            }
        }
    }
}

fn aid(law: &str, monthly_limit: Option<i64>) -> PublicAid {
    PublicAid {
        law: law.to_string(),
        payer: None,
        recipient: None,
        rate: None,
        monthly_limit,
        from: None,
        to: None,
        visit_limit: None,
        visits_per_month: None,
        basis: None,
        after: None,
    }
}

fn generate(rng: &mut Rng) -> (FutanInput, AgeClass) {
    let (y, m) = *rng.pick(MONTHS);
    let class = *rng.pick(&[
        AgeClass::General,
        AgeClass::General,
        AgeClass::Preschool,
        AgeClass::Kourei,
        AgeClass::Kouki,
    ]);
    // Birth dates well inside each class for the whole month (no 75th birthday this month).
    let birth = match class {
        AgeClass::Preschool => date(y - 3, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32),
        AgeClass::General => date(
            y - 20 - rng.below(40) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        ),
        AgeClass::Kourei => date(y - 72, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32),
        AgeClass::Kouki => date(
            y - 76 - rng.below(15) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        ),
    };
    let kind = match class {
        AgeClass::Kouki => InsuranceKind::Kouki,
        _ => *rng.pick(&[InsuranceKind::Shaho, InsuranceKind::Kokuho]),
    };
    let income = if rng.chance(80) {
        Some(rng.pick(incomes(y, m, class)).to_string())
    } else {
        None
    };
    let insurance = Insurance {
        kind,
        relation: None,
        rate: None,
        income,
        limit_certified: None,
        tokutei_shippei: if rng.chance(8) { Some(10000) } else { None },
        tasuu: Some(rng.chance(25)),
        limit_halved: if rng.chance(5) { Some(true) } else { None },
    };
    let mut public_aid = Vec::new();
    for (law, limits) in [
        (
            "54",
            &[Some(0), Some(2500), Some(5000), Some(10000), Some(20000), Some(30000)][..],
        ),
        ("52", &[Some(1250), Some(2500), Some(5000), Some(15000)][..]),
        ("15", &[None, Some(0), Some(5000), Some(20000)][..]),
        ("21", &[None, Some(2500), Some(5000)][..]),
        ("10", &[None][..]),
        ("51", &[Some(0), Some(5500)][..]),
        ("38", &[Some(1000), Some(10000)][..]),
        ("28", &[None][..]),
        ("12", &[Some(0), None][..]),
    ] {
        if rng.chance(12) {
            public_aid.push(aid(law, *rng.pick(limits)));
        }
    }
    if rng.chance(10) {
        let mut a = aid("80", Some(*rng.pick(&[0, 500, 1000])));
        if rng.chance(50) {
            a.rate = Some(Decimal::new(1, 1));
        }
        public_aid.push(a);
    }
    if rng.chance(5) {
        let mut a = aid("88", None);
        a.visit_limit = Some(500);
        a.visits_per_month = Some(2);
        public_aid.push(a);
    }
    let n = 1 + rng.below(8) as usize;
    let mut days: Vec<u32> = (0..n).map(|_| 1 + rng.below(28) as u32).collect();
    days.sort();
    let visits = days
        .into_iter()
        .map(|d| {
            let points = match rng.below(10) {
                0 => 0,
                1..=5 => rng.below(3000) as i64,
                6..=8 => rng.below(30000) as i64,
                _ => rng.below(150000) as i64,
            };
            let aid = if public_aid.is_empty() || rng.chance(30) {
                None
            } else {
                Some(
                    public_aid
                        .iter()
                        .filter(|_| rng.chance(50))
                        .map(|a| a.law.clone())
                        .collect(),
                )
            };
            VisitInput {
                date: date(y, m, d),
                points: Some(points),
                medical_yen: None,
                aid,
                tokutei: None,
            }
        })
        .collect();
    let no_insurance = !public_aid.is_empty() && rng.chance(5);
    (
        FutanInput {
            month: YearMonth { year: y, month: m },
            birth_date: birth,
            insurance: if no_insurance { None } else { Some(insurance) },
            public_aid,
            inpatient: rng.chance(20),
            visits,
            medical_yen: None,
            history: None,
        },
        class,
    )
}

#[test]
fn generated_receipts_keep_the_identities() {
    let mut rng = Rng(0x5a17_e1f0_7a11_2026);
    let mut checked = 0;
    for seed in 0..4000u64 {
        let (input, class) = generate(&mut rng);
        let b =
            compute(&input).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", serde_json::to_string(&input).unwrap()));
        let ctx = || format!("seed {seed}: {}", serde_json::to_string(&input).unwrap());

        // 1. The split adds up.
        let paid: i64 = b.public_aid.iter().map(|a| a.paid_yen).sum();
        assert_eq!(b.patient_yen + b.insurer_yen + paid, b.medical_yen, "{}", ctx());
        assert_eq!(b.insurer_yen, b.medical_yen - b.copay_yen, "{}", ctx());
        for a in &b.public_aid {
            assert!(
                a.paid_yen >= 0 && a.paid_yen <= a.target_yen && a.patient_yen >= 0,
                "{}",
                ctx()
            );
        }
        if input.insurance.is_none() {
            assert_eq!(b.insurer_yen, 0, "{}", ctx());
        }

        // 2. Never above the applicable limit.
        for p in &b.parts {
            assert!(
                0 <= p.patient_yen && p.patient_yen <= p.copay_yen && p.copay_yen <= p.medical_yen,
                "{}",
                ctx()
            );
            if let Some(l) = p.limit_yen {
                assert!(
                    p.copay_yen <= l,
                    "part copay {} above its limit {l}: {}",
                    p.copay_yen,
                    ctx()
                );
            }
        }
        if input.insurance.is_some() {
            if let Some(l) = b.kougaku.limit_yen {
                let over70 = matches!(class, AgeClass::Kourei | AgeClass::Kouki);
                let tandoku = input.public_aid.is_empty() && b.kougaku.tokutei_yen.is_none();
                if over70 || tandoku {
                    assert!(
                        b.patient_yen <= l,
                        "patient {} above the own limit {l}: {}",
                        b.patient_yen,
                        ctx()
                    );
                }
            }
        }

        // 3. The counter.
        let counters: i64 = b.visits.iter().map(|v| v.counter_yen).sum();
        assert_eq!(counters, b.counter_yen, "{}", ctx());
        assert!(
            (b.counter_yen - b.patient_yen).abs() <= 5 * b.visits.len() as i64,
            "counter {} vs patient {}: {}",
            b.counter_yen,
            b.patient_yen,
            ctx()
        );
        let last_capped = b.trace.last().is_some_and(|t| t.rule == "futan.round.cap");
        if b.parts.len() == 1 && last_capped {
            assert_eq!(b.counter_yen, b.patient_yen, "{}", ctx());
        }
        let deltas: i64 = b.visits.iter().map(|v| v.patient_yen).sum();
        assert_eq!(deltas, b.patient_yen, "{}", ctx());

        // 4. Order independence of the month figures: every visit on one date, then reversed
        //    (not for a 地単 `visits_per_month`, which by its nature pays on the first visits).
        if input.public_aid.iter().any(|a| a.visits_per_month.is_some()) {
            checked += 1;
            continue;
        }
        let mut same_day = input.clone();
        let d0 = same_day.visits[0].date;
        for v in &mut same_day.visits {
            v.date = d0;
        }
        let a = compute(&same_day).unwrap();
        same_day.visits.reverse();
        let r = compute(&same_day).unwrap();
        assert_eq!(
            (a.patient_yen, a.copay_yen, &a.public_aid, &a.parts),
            (r.patient_yen, r.copay_yen, &r.public_aid, &r.parts),
            "{}",
            ctx()
        );
        checked += 1;
    }
    assert_eq!(checked, 4000);
}
