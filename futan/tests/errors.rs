//! Inputs the rules cannot price, and inputs that are wrong: each error names its `FUTAN_*`
//! code and the JSON path of the fact it is about (futan.md §7, §8).

use futan::{compute_json, ErrorKind, FutanError, Level};
use serde_json::{json, Value};

fn run(v: Value) -> Result<futan::Burden, FutanError> {
    compute_json(&serde_json::to_vec(&v).unwrap())
}

fn err(v: Value) -> FutanError {
    match run(v) {
        Ok(b) => panic!("expected an error, got patient {}", b.patient_yen),
        Err(e) => e,
    }
}

fn receipt(month: &str, birth: &str, insurance: Value, visits: Value) -> Value {
    json!({ "month": month, "birth_date": birth, "insurance": insurance, "visits": visits })
}

#[test]
fn income_invalid_for_the_age() {
    // 現役並みⅢ is a 70歳以上 class (futan.md §7(a)); the patient is 38.
    let e = err(receipt(
        "2018-08",
        "1980-01-01",
        json!({"kind": "shaho", "income": "現役並みⅢ"}),
        json!([{"date": "2018-08-01", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str(), e.code()),
        (ErrorKind::IncomeInvalid, "insurance.income", "FUTAN_INCOME_INVALID")
    );
    // 一般Ⅱ exists for 後期 only.
    let e = err(receipt(
        "2023-04",
        "1950-01-01",
        json!({"kind": "kokuho", "income": "一般Ⅱ"}),
        json!([{"date": "2023-04-03", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::IncomeInvalid, "insurance.income")
    );
}

#[test]
fn income_invalid_for_the_date() {
    // ア–オ start 2015-01-01 (futan.md §4.2): ウ in 2014-12 does not exist.
    let e = err(receipt(
        "2014-12",
        "1980-01-01",
        json!({"kind": "shaho", "income": "ウ"}),
        json!([{"date": "2014-12-01", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::IncomeInvalid, "insurance.income")
    );
    assert!(e.message.contains("futan.kougaku.u70_2007"), "{e}");
    // 現役並みⅢ starts 2018-08-01 (§4.3).
    let e = err(receipt(
        "2018-07",
        "1945-01-01",
        json!({"kind": "shaho", "income": "現役並みⅢ"}),
        json!([{"date": "2018-07-02", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::IncomeInvalid, "insurance.income")
    );
    // 後期 from 2022-10-01 is 一般Ⅰ or 一般Ⅱ, not 一般; before, 一般Ⅰ does not exist.
    let e = err(receipt(
        "2023-04",
        "1940-01-01",
        json!({"kind": "kouki", "income": "一般"}),
        json!([{"date": "2023-04-03", "points": 100}]),
    ));
    assert_eq!(e.kind, ErrorKind::IncomeInvalid);
    let e = err(receipt(
        "2022-09",
        "1940-01-01",
        json!({"kind": "kouki", "income": "一般Ⅰ"}),
        json!([{"date": "2022-09-05", "points": 100}]),
    ));
    assert_eq!(e.kind, ErrorKind::IncomeInvalid);
    // An unknown name.
    let e = err(receipt(
        "2018-08",
        "1980-01-01",
        json!({"kind": "shaho", "income": "カ"}),
        json!([{"date": "2018-08-01", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (ErrorKind::IncomeInvalid, "insurance.income")
    );
    assert_eq!(
        e.to_string(),
        "insurance.income: FUTAN_INCOME_INVALID: `カ` is not a 所得区分 of 70歳未満 (futan.md §7(a))"
    );
}

#[test]
fn aid_outside_its_period_is_a_warning_and_not_applied() {
    // A 54 受給者証 that ended 2018-07-31; the visit of 2018-08-01 names it.
    let b = run(json!({
        "month": "2018-08", "birth_date": "1980-01-01",
        "insurance": {"kind": "shaho", "income": "ウ"},
        "public_aid": [{"law": "54", "monthly_limit": 5000, "from": "2017-08-01", "to": "2018-07-31"}],
        "visits": [{"date": "2018-08-01", "points": 2000, "aid": ["54"]}]
    }))
    .unwrap();
    assert_eq!(b.diagnostics.len(), 1);
    let d = &b.diagnostics[0];
    assert_eq!(
        (d.level, d.code, d.path.as_str()),
        (Level::Warning, "FUTAN_AID_EXPIRED", "visits[0].aid[0]")
    );
    // Not applied: 3割 of 20,000 = 6,000 (with 54 it would be 2割 4,000 → limit 5,000: 4,000).
    assert_eq!(b.patient_yen, 6000);
    assert_eq!(b.public_aid[0].paid_yen, 0);
    assert!(b.parts[0].aid.is_empty());
    // The same without `visits[].aid`: the default (every entry valid on the date) skips it,
    // and the warning names the entry.
    let b = run(json!({
        "month": "2018-08", "birth_date": "1980-01-01",
        "insurance": {"kind": "shaho", "income": "ウ"},
        "public_aid": [{"law": "54", "monthly_limit": 5000, "to": "2018-07-31"}],
        "visits": [{"date": "2018-08-01", "points": 2000}]
    }))
    .unwrap();
    assert_eq!(b.diagnostics[0].path, "public_aid[0]");
    assert_eq!(b.patient_yen, 6000);
}

#[test]
fn birth_date_after_the_month() {
    let e = err(receipt(
        "2024-06",
        "2024-07-02",
        json!({"kind": "shaho"}),
        json!([{"date": "2024-06-03", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str(), e.code()),
        (ErrorKind::Input, "birth_date", "FUTAN_INPUT_INVALID")
    );
    // Born mid-month: a visit before the birth is wrong, named by its path.
    let e = err(receipt(
        "2024-06",
        "2024-06-10",
        json!({"kind": "shaho"}),
        json!([{"date": "2024-06-10", "points": 100}, {"date": "2024-06-09", "points": 100}]),
    ));
    assert_eq!(e.path, "visits[1].date");
}

#[test]
fn kouki_under_65() {
    let e = err(receipt(
        "2024-06",
        "1962-01-01",
        json!({"kind": "kouki"}),
        json!([{"date": "2024-06-03", "points": 100}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str(), e.code()),
        (ErrorKind::KoukiAge, "insurance.kind", "FUTAN_KOUKI_AGE")
    );
    // 65–74 is 障害認定: accepted, 後期 rules (1割), never the 70–74 2割.
    let b = run(receipt(
        "2024-06",
        "1956-01-01",
        json!({"kind": "kouki", "income": "一般Ⅰ"}),
        json!([{"date": "2024-06-03", "points": 1000}]),
    ))
    .unwrap();
    assert_eq!((b.patient_yen, b.rate.permille()), (1000, 100));
}

#[test]
fn unknown_fields_and_names_are_errors_with_their_path() {
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01",
        "insurance": {"kind": "shaho", "incme": "ウ"},
        "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Json, "insurance.incme"));
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01",
        "insurance": {"kind": "shaho"},
        "public_aid": [{"law": "54", "monthly_limit": 5000}],
        "visits": [{"date": "2024-06-03", "points": 100}, {"date": "2024-06-04", "points": 100},
                   {"date": "2024-06-05", "points": 100, "aid": ["52"]}]
    }));
    assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Input, "visits[2].aid[0]"));
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01",
        "visits": [{"date": "2024-06-03", "points": 100}, {"date": "2024-07-01", "points": 100}]
    }));
    assert_eq!(e.path, "visits[1].date");
    let e = err(json!({
        "month": "2024-6", "birth_date": "1980-01-01", "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Json, "month"));
    let e = err(receipt(
        "2024-06",
        "1980-01-01",
        json!({"kind": "shaho", "tokutei_shippei": 15000}),
        json!([{"date": "2024-06-03", "points": 100}]),
    ));
    assert_eq!(e.path, "insurance.tokutei_shippei");
}

#[test]
fn table_missing_from_2026_08_never_the_older_limits() {
    // futan.md §4.8: the 2026-08 limits are not in santei's tables.
    let e = err(receipt(
        "2026-08",
        "1954-01-01",
        json!({"kind": "kokuho", "income": "一般"}),
        json!([{"date": "2026-08-03", "points": 10000}]),
    ));
    assert_eq!(
        (e.kind, e.path.as_str(), e.code()),
        (ErrorKind::TableMissing, "month", "FUTAN_TABLE_MISSING")
    );
    assert!(e.kind.is_rule());
    // 70歳以上 always needs a limit (一般 by default): also without an income class.
    let e = err(receipt(
        "2026-08",
        "1954-01-01",
        json!({"kind": "kokuho"}),
        json!([{"date": "2026-08-03", "points": 10}]),
    ));
    assert_eq!(e.kind, ErrorKind::TableMissing);
    // 70歳未満 without a 区分 needs no limit at the counter: 3割, and the info says so.
    let b = run(receipt(
        "2026-08",
        "1980-01-01",
        json!({"kind": "shaho"}),
        json!([{"date": "2026-08-03", "points": 1000}]),
    ))
    .unwrap();
    assert_eq!(b.patient_yen, 3000);
    assert_eq!(b.diagnostics[0].code, "FUTAN_NO_INCOME");
    // 2026-07-31 is still covered.
    assert!(run(receipt(
        "2026-07",
        "1954-01-01",
        json!({"kind": "kokuho", "income": "一般"}),
        json!([{"date": "2026-07-31", "points": 10000}]),
    ))
    .is_ok());
}

#[test]
fn aid_without_a_rule() {
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01", "insurance": {"kind": "shaho"},
        "public_aid": [{"law": "85", "payer": "85136011"}],
        "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!(
        (e.kind, e.path.as_str(), e.code()),
        (ErrorKind::AidRuleMissing, "public_aid[0]", "FUTAN_AID_RULE_MISSING")
    );
    // Rule fields that would be ignored are errors too.
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01", "insurance": {"kind": "shaho"},
        "public_aid": [{"law": "54", "monthly_limit": 5000, "after": 1}],
        "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!(e.path, "public_aid[0].after");
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01", "insurance": {"kind": "shaho"},
        "public_aid": [{"law": "88", "monthly_limit": 500, "visits_per_month": 2}],
        "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!(e.path, "public_aid[0].visits_per_month");
    // 53 is in the order of payers but its rule is data (futan.md §5.1).
    let e = err(json!({
        "month": "2024-06", "birth_date": "1980-01-01", "insurance": {"kind": "shaho"},
        "public_aid": [{"law": "53"}],
        "visits": [{"date": "2024-06-03", "points": 100}]
    }));
    assert_eq!(e.kind, ErrorKind::AidRuleMissing);
}

#[test]
fn shaho_ends_before_the_75th_birthday() {
    let e = err(receipt(
        "2023-04",
        "1948-04-15",
        json!({"kind": "shaho", "income": "一般"}),
        json!([{"date": "2023-04-03", "points": 100}, {"date": "2023-04-15", "points": 100}]),
    ));
    assert_eq!(e.path, "visits[1].date");
}

#[test]
fn overflow_is_refused() {
    let e = err(receipt(
        "2024-06",
        "1980-01-01",
        json!({"kind": "shaho"}),
        json!([{"date": "2024-06-03", "points": 900_000_000_000_000_000i64}]),
    ));
    assert_eq!((e.kind, e.code()), (ErrorKind::Overflow, "FUTAN_OVERFLOW"));
    let e = err(receipt(
        "2024-06",
        "1980-01-01",
        json!({"kind": "shaho"}),
        json!([{"date": "2024-06-03", "points": 999_999_999_999i64}, {"date": "2024-06-04", "points": 999_999_999_999i64}]),
    ));
    assert_eq!((e.kind, e.path.as_str()), (ErrorKind::Overflow, "visits[1]"));
}

#[test]
fn the_error_json_is_a_burden_with_diagnostics_only() {
    let e = err(receipt(
        "2026-08",
        "1954-01-01",
        json!({"kind": "kokuho"}),
        json!([{"date": "2026-08-03", "points": 10}]),
    ));
    let v = futan::error_json(&e);
    assert_eq!(v["diagnostics"][0]["code"], "FUTAN_TABLE_MISSING");
    assert_eq!(v["diagnostics"][0]["level"], "error");
    assert_eq!(v["diagnostics"][0]["path"], "month");
}
