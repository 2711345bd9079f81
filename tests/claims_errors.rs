//! Claims that cannot be computed: each gives a `ClaimError` naming the JSON path of the problem,
//! its message pinned with an insta inline snapshot (`path: message`). These run on the embedded
//! default master set (no data needed, and its origin string is the same on every machine).
//!
//! Plus a robustness property: random, structurally plausible claims built from real master codes
//! (a deterministic PRNG, so every run checks the same claims) never make the engine panic, and
//! every `Ok` outcome adds up (total = Σ points × count = Σ sections).

use crate::golden::{default_engine, full_engine, loud, skip_loudly};
use engine::{Engine, Options};
use serde_json::{json, Value};

/// A valid claim to start from: a clinic, an adult, one 再診 on 2024-06-03 at 10:00.
fn base() -> Value {
    json!({
        "facility": { "kind": "clinic", "hours": [ { "weekdays": [1, 2, 3, 4, 5], "open": "09:00", "close": "18:00" } ] },
        "patient": { "birth_date": "1970-04-01" },
        "visits": [ { "date": "2024-06-03", "time": "10:00", "kind": "revisit" } ]
    })
}

fn calc(json: &[u8]) -> Result<engine::Outcome, engine::ClaimError> {
    default_engine().calculate_json(json, Options { trace: false })
}

/// The error of a claim given as JSON text, as `path: message`.
fn err_text(json: &str) -> String {
    match calc(json.as_bytes()) {
        Ok(o) => panic!("expected an error, the claim was computed (total {})", o.total_points),
        Err(e) => e.to_string(),
    }
}

/// The error of a claim given as a JSON value; also checks that `path()` starts the message.
fn err(v: Value) -> String {
    let text = serde_json::to_string(&v).expect("json");
    let e = calc(text.as_bytes()).expect_err("expected an error");
    assert!(
        e.to_string()
            .starts_with(if e.path().is_empty() { "(claim)" } else { e.path() }),
        "{e}"
    );
    e.to_string()
}

#[test]
fn base_claim_is_valid() {
    let o = calc(serde_json::to_string(&base()).unwrap().as_bytes()).expect("the base claim computes");
    assert_eq!(o.total_points, 75);
}

#[test]
fn malformed_json() {
    insta::assert_snapshot!(err_text(r#"{"facility": {"kind": "clinic"},"#), @"?: EOF while parsing a value at line 1 column 32");
    insta::assert_snapshot!(err_text(r#"{"facility": {"kind": "clinic", "beds": 10,}}"#), @"facility.?: trailing comma at line 1 column 44");
}

#[test]
fn unknown_field() {
    let mut v = base();
    v["visits"][0]["itmes"] = json!([{ "code": "112007410" }]);
    insta::assert_snapshot!(err(v), @"visits[0].itmes: unknown field `itmes`, expected one of `date`, `time`, `kind`, `department`, `time_class`, `urgent`, `myna`, `management`, `phone`, `prescription`, `items`, `aid`, `tokutei`, `psychotropics`, `home` a…");
    let mut v = base();
    v["facility"]["bed"] = json!(10);
    insta::assert_snapshot!(err(v), @"facility.bed: unknown field `bed`, expected one of `kind`, `beds`, `hours`, `standards`, `capabilities`, `myna_rates` at line 1 column 100");
}

#[test]
fn wrong_value_type() {
    let mut v = base();
    v["visits"][0]["kind"] = json!("second");
    insta::assert_snapshot!(err(v), @"visits[0].kind: unknown variant `second`, expected one of `first`, `revisit`, `none` at line 1 column 195");
    let mut v = base();
    v["facility"]["kind"] = json!("pharmacy");
    insta::assert_snapshot!(err(v), @"facility.kind: unknown variant `pharmacy`, expected `clinic` or `hospital` at line 1 column 30");
    let mut v = base();
    v["visits"][0]["date"] = json!("2024-06-31");
    insta::assert_snapshot!(err(v), @"visits[0].date: `2024-06-31` is not a calendar date (no such day) at line 1 column 164");
}

#[test]
fn unknown_code() {
    let mut v = base();
    v["visits"][0]["items"] = json!([{ "code": "160008010" }, { "code": "111999999" }]);
    insta::assert_snapshot!(err(v), @"visits[0].items[1].code: unknown code 111999999: no version in the master set (embedded default)");
    let mut v = base();
    v["visits"][0]["items"] = json!([{ "code": "12345" }]);
    insta::assert_snapshot!(err(v), @"visits[0].items[0].code: `12345` is not a master code (9 digits: 1… 診療行為, 6… 医薬品, 7… 特定器材, 8… コメント)");
}

#[test]
fn code_not_valid_on_its_date() {
    // 医療情報取得加算１（初診） was abolished on 2024-11-30 (s_20241108).
    let mut v = base();
    v["visits"][0] =
        json!({ "date": "2024-12-05", "time": "10:00", "kind": "first", "items": [{ "code": "111703170" }] });
    insta::assert_snapshot!(err(v), @"visits[0].items[0].code: code 111703170 has no version valid on 2024-12-05; versions: 2024-06-01…2024-11-30 医療情報取得加算１（初診）");
    // 医療ＤＸ推進体制整備加算１ (111703670) starts on 2025-04-01.
    let mut v = base();
    v["visits"][0] = json!({ "date": "2025-03-31", "kind": "first", "items": [{ "code": "111703670" }] });
    insta::assert_snapshot!(err(v), @"visits[0].items[0].code: code 111703670 has no version valid on 2025-03-31; versions: 2025-04-01…2026-05-31 医療ＤＸ推進体制整備加算１（初診）");
}

#[test]
fn visit_outside_the_claim_month() {
    let mut v = base();
    v["visits"] = json!([
        { "date": "2024-06-28", "kind": "revisit" },
        { "date": "2024-07-01", "kind": "revisit" }
    ]);
    insta::assert_snapshot!(err(v), @"visits[1].date: 2024-07-01 is outside the claim month 2024-06 (one claim = one calendar month)");
}

#[test]
fn impossible_time() {
    let mut v = base();
    v["visits"][0]["time"] = json!("25:00");
    insta::assert_snapshot!(err(v), @"visits[0].time: `25:00` is not a time HH:MM (00:00–23:59)");
    let mut v = base();
    v["visits"][0]["time"] = json!("24:00");
    insta::assert_snapshot!(err(v), @"visits[0].time: `24:00` is not a time HH:MM (00:00–23:59)");
    let mut v = base();
    v["facility"]["hours"][0]["open"] = json!("9:00");
    insta::assert_snapshot!(err(v), @"facility.hours[0].open: `9:00` is not a time HH:MM");
}

#[test]
fn birth_after_the_visit() {
    let mut v = base();
    v["patient"]["birth_date"] = json!("2024-06-04");
    insta::assert_snapshot!(err(v), @"patient.birth_date: birth date 2024-06-04 is after the visit on 2024-06-03");
}

#[test]
fn bad_myna_rates_key() {
    let mut v = base();
    v["facility"]["myna_rates"] = json!({ "2025-13": 40.0 });
    insta::assert_snapshot!(err(v), @"facility.myna_rates.2025-13: month keys are YYYY-MM");
    let mut v = base();
    v["facility"]["myna_rates"] = json!({ "202501": 40.0 });
    insta::assert_snapshot!(err(v), @"facility.myna_rates.202501: month keys are YYYY-MM");
}

#[test]
fn no_visit_and_negative_quantity() {
    let mut v = base();
    v["visits"] = json!([]);
    insta::assert_snapshot!(err(v), @"visits: a claim needs at least one visit");
    let mut v = base();
    v["visits"][0]["items"] = json!([{ "code": "620000033", "quantity": -3, "days": 5, "usage": "internal" }]);
    insta::assert_snapshot!(err(v), @"visits[0].items[0].quantity: -3 is not a quantity: more than 0 and at most 99999999");
}

// ------------------------------------------------------------------------------------------------
// Robustness: random claims never panic.

/// SplitMix64: small, deterministic, good enough to spread choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const STANDARDS: &[&str] = &[
    "3522", "3826", "3827", "3828", "4034", "4035", "3001", "4036", "3155", "3002", "3523", "3195", "4037", "3825",
];
const CAPABILITIES: &[&str] = &[
    "e_prescription",
    "ehr_sharing",
    "online_eligibility",
    "pediatric_exception",
    "itemized_receipt",
    "emergency",
    "after_hours_special",
    "pharmacist",
    "teleport",
];
const DEPARTMENTS: &[&str] = &["内科", "小児科", "整形外科", "皮膚科", "眼科"];
const TIME_CLASSES: &[&str] = &["regular", "after_hours", "holiday", "late_night", "night_early"];
const USAGES: &[&str] = &["internal", "as_needed", "external", "injection"];

fn date(y: i64, m: i64, d: i64) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn time(rng: &mut Rng) -> Value {
    match rng.below(20) {
        0 => Value::Null,
        1 => json!("24:00"),
        2 => json!(format!("{}:{:02}", rng.below(10), rng.below(60))),
        _ => json!(format!("{:02}:{:02}", rng.below(24), rng.below(60))),
    }
}

/// A random claim: mostly valid, sometimes not (bad time, birth after the visit, negative
/// quantity, codes not valid on the date, unknown capability).
fn random_claim(rng: &mut Rng, eng: &Engine, codes: &[masters::Code]) -> Value {
    let y = 2022 + rng.below(5) as i64;
    let m = 1 + rng.below(12) as i64;
    let dim = days_in(y, m);
    let set = eng.masters();
    let mut facility = json!({ "kind": if rng.chance(70) { "clinic" } else { "hospital" }, "beds": rng.below(500) });
    if rng.chance(80) {
        let mut hours =
            vec![json!({ "weekdays": [1, 2, 3, 4, 5], "open": "09:00", "close": format!("{}:00", 17 + rng.below(4)) })];
        if rng.chance(50) {
            hours.push(json!({ "weekdays": [6], "open": "09:00", "close": "12:00" }));
        }
        if rng.chance(20) {
            hours.push(json!({ "weekdays": [7], "open": "09:00", "close": "12:00" }));
        }
        facility["hours"] = json!(hours);
    }
    let standards: Vec<Value> = (0..rng.below(5))
        .map(|_| json!({ "code": rng.pick(STANDARDS), "from": date(2020 + rng.below(6) as i64, 1 + rng.below(12) as i64, 1) }))
        .collect();
    facility["standards"] = json!(standards);
    let caps: Vec<Value> = (0..rng.below(5))
        .map(|_| json!({ "id": rng.pick(CAPABILITIES), "from": date(2020 + rng.below(6) as i64, 1, 1) }))
        .collect();
    facility["capabilities"] = json!(caps);
    if rng.chance(60) {
        let mut rates = serde_json::Map::new();
        for k in 1..=6 {
            let total = y * 12 + (m - 1) - k;
            rates.insert(
                format!("{:04}-{:02}", total / 12, total % 12 + 1),
                json!(rng.below(1000) as f64 / 10.0),
            );
        }
        facility["myna_rates"] = Value::Object(rates);
    }
    let birth = if rng.chance(3) {
        date(y, m, dim)
    } else {
        date(
            1930 + rng.below(96) as i64,
            1 + rng.below(12) as i64,
            1 + rng.below(28) as i64,
        )
    };
    let history: Vec<Value> = (0..rng.below(4))
        .map(|_| {
            let c = rng.pick(codes);
            json!({ "date": date(y, m, 1 + rng.below(dim as u64) as i64), "code": format!("{:09}", c.0), "count": 1 + rng.below(2) })
        })
        .collect();
    let visits: Vec<Value> = (0..1 + rng.below(3))
        .map(|_| {
            let day = 1 + rng.below(dim as u64) as i64;
            let d = chrono::NaiveDate::from_ymd_opt(y as i32, m as u32, day as u32).expect("date");
            let kinds = ["first", "revisit", "revisit", "none"];
            let mut v = json!({ "date": date(y, m, day), "kind": rng.pick(&kinds) });
            let t = time(rng);
            if !t.is_null() {
                v["time"] = t;
            }
            for flag in ["urgent", "myna", "management", "phone"] {
                if rng.chance(25) {
                    v[flag] = json!(true);
                }
            }
            if rng.chance(50) {
                v["department"] = json!(rng.pick(DEPARTMENTS));
            }
            if rng.chance(10) {
                v["time_class"] = json!(rng.pick(TIME_CLASSES));
            }
            if rng.chance(60) {
                v["prescription"] = json!(if rng.chance(50) { "in_house" } else { "outside" });
            }
            let items: Vec<Value> = (0..rng.below(9))
                .map(|_| {
                    // Mostly a code valid on the date (up to 8 tries), sometimes any code.
                    let mut c = *rng.pick(codes);
                    if rng.chance(90) {
                        for _ in 0..8 {
                            if set.lookup_any(c, d).is_some() {
                                break;
                            }
                            c = *rng.pick(codes);
                        }
                    }
                    let mut it = json!({ "code": format!("{:09}", c.0) });
                    if rng.chance(70) {
                        let q = if rng.chance(2) {
                            -1.0
                        } else {
                            rng.below(10_000) as f64 / 100.0
                        };
                        it["quantity"] = json!(q);
                    }
                    if rng.chance(50) {
                        it["days"] = json!(rng.below(31));
                    }
                    if rng.chance(50) {
                        it["rp"] = json!(format!("{}", 1 + rng.below(3)));
                    }
                    if rng.chance(40) {
                        it["usage"] = json!(rng.pick(USAGES));
                    }
                    if rng.chance(20) {
                        it["count"] = json!(rng.below(4));
                    }
                    it
                })
                .collect();
            v["items"] = json!(items);
            v
        })
        .collect();
    json!({ "facility": facility, "patient": { "birth_date": birth }, "history": history, "visits": visits })
}

/// Runs `n` random claims on `eng`; returns (ok, err) counts.
fn fuzz(eng: &Engine, seed: u64, n: usize) -> (usize, usize) {
    let set = eng.masters();
    let mut codes: Vec<masters::Code> = set
        .s
        .codes()
        .chain(set.y.codes())
        .chain(set.t.codes())
        .chain(set.c.codes())
        .collect();
    codes.sort();
    let mut rng = Rng(seed);
    let (mut ok, mut errs) = (0, 0);
    for k in 0..n {
        let claim = random_claim(&mut rng, eng, &codes);
        let text = serde_json::to_vec(&claim).expect("json");
        let trace = k % 2 == 0;
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            eng.calculate_json(&text, Options { trace })
        }));
        match res {
            Err(_) => panic!(
                "claim #{k} (seed {seed}) panicked the engine:\n{}",
                serde_json::to_string_pretty(&claim).unwrap()
            ),
            Ok(Err(_)) => errs += 1,
            Ok(Ok(o)) => {
                ok += 1;
                let sum: i64 = o.lines.iter().map(|l| l.points * l.count as i64).sum();
                let by_section: i64 = o.sections.values().sum();
                assert!(
                    sum == o.total_points && by_section == o.total_points,
                    "claim #{k} (seed {seed}): total {} but Σ points×count {sum}, Σ sections {by_section}:\n{}",
                    o.total_points,
                    serde_json::to_string_pretty(&claim).unwrap()
                );
            }
        }
    }
    (ok, errs)
}

#[test]
fn random_claims_never_panic_default_set() {
    let (ok, errs) = fuzz(default_engine(), 0x005A_17E1, 3000);
    loud(&format!(
        "random claims on the default set: {ok} computed, {errs} rejected"
    ));
    assert!(
        ok > 300,
        "too few random claims computed ({ok}); the generator no longer exercises the rules"
    );
}

#[test]
fn random_claims_never_panic_full_masters() {
    let Some(eng) = full_engine() else {
        skip_loudly("random_claims_never_panic_full_masters");
        return;
    };
    let (ok, errs) = fuzz(eng, 0x00C0_FFEE, 3000);
    loud(&format!(
        "random claims on the full masters: {ok} computed, {errs} rejected"
    ));
    assert!(
        ok > 300,
        "too few random claims computed ({ok}); the generator no longer exercises the rules"
    );
}

/// Regression (cargo-fuzz `calculate`, fuzz/artifacts/calculate/crash-f5cdbbd…): a service date
/// in year 9275 reached the holiday calendar, whose equinox formula only holds 1980–2099, and
/// panicked (caught at the C ABI). Now an implausible date is a claim error with its path.
#[test]
fn fuzz_crash_year_9275_is_an_error() {
    let json = include_str!("fuzz/crash-calculate-year-9275.json");
    insta::assert_snapshot!(err_text(json), @"visits[0].date: 9275-01-07 is not a plausible service date (2000–2099)");
}

/// The issue-14 claim fields are bounded (docs/limits.md): minutes at most one day, building
/// patients and 向精神薬 kinds at most 9,999, at most 50 リハ episodes — each an error at its path.
#[test]
fn issue_14_fields_are_bounded() {
    let mut v = base();
    v["visits"][0]["home"] = json!({"minutes": 1441});
    assert_eq!(err(v), "visits[0].home.minutes: 1441: at most 1440");
    let mut v = base();
    v["visits"][0]["items"] = json!([{"code": "112007410", "minutes": 2000}]);
    assert_eq!(err(v), "visits[0].items[0].minutes: 2000: at most 1440");
    let mut v = base();
    v["patient"]["home"] = json!({"single_building_patients": 10000});
    assert_eq!(err(v), "patient.home.single_building_patients: 10000: at most 9999");
    let mut v = base();
    v["visits"][0]["psychotropics"] = json!({"hypnotics": 10000});
    assert_eq!(err(v), "visits[0].psychotropics.hypnotics: 10000: at most 9999");
    let mut v = base();
    let eps: Vec<Value> = (0..51)
        .map(|_| json!({"kind": "H002", "start": "2024-05-01"}))
        .collect();
    v["patient"]["rehab"] = json!(eps);
    assert_eq!(err(v), "patient.rehab: 51 episodes: at most 50");
    let mut v = base();
    v["visits"][0]["home"] = json!({"minutes": 1440, "same_building_patients": 9999});
    calc(serde_json::to_string(&v).unwrap().as_bytes()).expect("at the bounds the claim computes");
}
