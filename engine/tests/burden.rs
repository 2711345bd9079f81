//! The claim path of 患者負担金 (futan.md §7(a)/(b)) on the embedded default masters: `burden`
//! from the visits' points, rule errors as diagnostics, bad money input as a claim error.

use engine::{ClaimError, Engine, Level, Options, Outcome};
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Arc::new(masters::load_default().expect("embedded default set"))))
}

/// `examples/first-visit-dx.json`: one 初診 on 2025-05-12 of 447点 (README).
fn claim() -> Value {
    serde_json::from_str(include_str!("../../examples/first-visit-dx.json")).unwrap()
}

fn calc(v: &Value) -> Result<Outcome, ClaimError> {
    engine().calculate_json(&serde_json::to_vec(v).unwrap(), Options { trace: true })
}

#[test]
fn no_insurance_no_burden() {
    let out = calc(&claim()).unwrap();
    assert!(out.burden.is_none());
    assert!(!serde_json::to_string(&out).unwrap().contains("burden"));
}

/// 後期 一般Ⅱ on 2025-05-12 (配慮措置 period, futan.md §4.7): 447点 = 4,470円; 2割 894 <
/// 配慮 6,000 → 894 at 1円, the counter takes round10(894) = 890.
#[test]
fn kouki_ippan2_first_visit() {
    let mut c = claim();
    c["patient"]["birth_date"] = json!("1945-03-04");
    c["insurance"] = json!({"kind": "kouki", "income": "一般Ⅱ"});
    let out = calc(&c).unwrap();
    let b = out.burden.expect("burden");
    assert_eq!((b.points, b.medical_yen), (Some(447), 4470));
    assert_eq!((b.patient_yen, b.counter_yen, b.insurer_yen), (894, 890, 3576));
    assert_eq!(b.visits[0].counter_yen, 890);
}

/// 54 指定難病 on the visit, 上限 2,500: 3割 1,341; 54 share 2割 894 ≤ 2,500 → the patient pays 894,
/// 54 pays 447.
#[test]
fn public_aid_on_the_claim() {
    let mut c = claim();
    c["insurance"] = json!({"kind": "shaho", "income": "ウ"});
    c["public_aid"] = json!([{"law": "54", "payer": "54136015", "recipient": "1234567", "monthly_limit": 2500}]);
    c["visits"][0]["aid"] = json!(["54"]);
    let out = calc(&c).unwrap();
    let b = out.burden.expect("burden");
    assert_eq!((b.copay_yen, b.patient_yen), (1341, 894));
    assert_eq!(b.public_aid[0].paid_yen, 447);
    assert_eq!(b.parts[0].aid, vec!["54".to_string()]);
}

#[test]
fn rule_errors_are_diagnostics_and_bad_money_input_is_a_claim_error() {
    // 現役並みⅢ for a 45-year-old: FUTAN_INCOME_INVALID as an error diagnostic, no burden.
    let mut c = claim();
    c["insurance"] = json!({"kind": "shaho", "income": "現役並みⅢ"});
    let out = calc(&c).unwrap();
    assert!(out.burden.is_none());
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == "FUTAN_INCOME_INVALID")
        .expect("diagnostic");
    assert_eq!((d.level, d.path.as_str()), (Level::Error, "insurance.income"));
    assert!(out.has_errors());
    // A 公費 named on a visit but absent from public_aid: the claim cannot be computed.
    let mut c = claim();
    c["insurance"] = json!({"kind": "shaho"});
    c["visits"][0]["aid"] = json!(["54"]);
    let e = calc(&c).unwrap_err();
    assert_eq!(e.path(), "visits[0].aid[0]");
    // An unknown field in insurance names its path.
    let mut c = claim();
    c["insurance"] = json!({"kind": "shaho", "rate ": 0.3});
    assert_eq!(calc(&c).unwrap_err().path(), "insurance.rate ");
}
