//! The engine bench's outpatient mix of 200 claims, built in code from real codes with a
//! deterministic PRNG (shared by `benches/engine.rs` and `benches/boundary.rs`): clinics and
//! hospitals, 1–3 visits a claim in one month of 2024-06…2025-05, 初診/再診 (some after hours, some
//! children), facility 届出 (機能強化, 外来感染対策, 時間外対応, 医療ＤＸ with マイナ rates), 外来管理加算,
//! drugs (in-house and outside), 検体検査, 処置, 画像.

use serde_json::{json, Value};
use std::path::PathBuf;

/// Claims in the mix.
pub const CLAIMS: usize = 200;

/// `SANTEI_DATA`, else `<workspace>/../shared/data`.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("SANTEI_DATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    }
}

/// SplitMix64.
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
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// Internal drugs (y master, valid 2024-06 … 2025-05) with a daily quantity.
const INTERNAL: &[(&str, u32)] = &[
    ("620000033", 3), // カロナール錠３００
    ("620098801", 3), // ロキソニン錠６０ｍｇ
    ("620452801", 3), // ムコスタ錠１００ｍｇ
    ("612320350", 2), // ガスター錠２０ｍｇ
    ("620007870", 1), // アムロジピン錠５ｍｇ「サワイ」
    ("621951001", 1), // ジャヌビア錠５０ｍｇ
    ("622225001", 2), // エリキュース錠５ｍｇ
    ("620008704", 3), // ブスコパン錠１０ｍｇ
    ("612340024", 2), // 酸化マグネシウム
];
/// External drugs with a quantity per 調剤.
const EXTERNAL: &[(&str, u32)] = &[("620009048", 25), ("620003477", 14), ("620007812", 21)];
/// 検体検査 (D005, D007, D000) and 血液採取.
const LAB: &[&str] = &[
    "160008010",
    "160000310",
    "160010010",
    "160017410",
    "160019010",
    "160019210",
    "160019310",
    "160019410",
    "160020410",
    "160020910",
    "160021410",
    "160022510",
    "160022610",
    "160023410",
    "160167250",
];
/// 処置 / 生体検査 / 画像.
const PROC: &[&str] = &["140000610", "140002210", "160068410", "170027910"];

fn month_of(rng: &mut Rng) -> (i32, u32) {
    let k = rng.below(12) as i32; // 2024-06 … 2025-05
    (2024 + (5 + k) / 12, ((5 + k) % 12 + 1) as u32)
}

fn facility(rng: &mut Rng) -> Value {
    let hospital = rng.chance(25);
    let beds = if hospital {
        *rng.pick(&[60u32, 150, 250, 400])
    } else {
        0
    };
    let mut standards = vec![];
    for (code, p) in [("3522", 30), ("3826", 50), ("3001", 40), ("4035", 60), ("3827", 15)] {
        if rng.chance(p) {
            standards.push(json!({ "code": code, "from": "2024-04-01" }));
        }
    }
    let mut caps = vec![json!({ "id": "online_eligibility", "from": "2023-04-01" })];
    for (id, p) in [("itemized_receipt", 60), ("e_prescription", 40)] {
        if rng.chance(p) {
            caps.push(json!({ "id": id, "from": "2024-01-01" }));
        }
    }
    let mut rates = serde_json::Map::new();
    for m in [
        "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02",
    ] {
        rates.insert(m.into(), json!(5 + rng.below(60)));
    }
    json!({
        "kind": if hospital { "hospital" } else { "clinic" },
        "beds": beds,
        "hours": [
            { "weekdays": [1, 2, 3, 4, 5], "open": "09:00", "close": if rng.chance(40) { "19:00" } else { "18:00" } },
            { "weekdays": [6], "open": "09:00", "close": "12:00" }
        ],
        "standards": standards,
        "capabilities": caps,
        "myna_rates": rates
    })
}

fn claim(rng: &mut Rng, n: usize) -> Value {
    let (y, m) = month_of(rng);
    let birth = if rng.chance(15) {
        format!("{}-0{}-15", 2020 + rng.below(4), 1 + rng.below(9))
    } else {
        format!("{}-04-01", 1940 + rng.below(60))
    };
    let nvisits = 1 + rng.below(3) as usize;
    let mut days: Vec<u32> = (0..nvisits).map(|_| 1 + rng.below(28) as u32).collect();
    days.sort();
    let first_is_shoshin = rng.chance(30);
    let visits: Vec<Value> = days
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let time = match rng.below(10) {
                0 => "19:30",
                1 => "18:30",
                2 => "08:30",
                _ => *rng.pick(&["09:15", "10:00", "11:30", "14:00", "15:45", "17:10"]),
            };
            let mut items = vec![];
            let mut v = json!({
                "date": format!("{y:04}-{m:02}-{d:02}"),
                "time": time,
                "kind": if k == 0 && first_is_shoshin { "first" } else { "revisit" },
                "urgent": rng.chance(50),
                "myna": rng.chance(40),
                "management": rng.chance(40),
            });
            // Drugs: 0–3 internal in 1–2 剤, sometimes an external one.
            if rng.chance(70) {
                v["prescription"] = json!(if rng.chance(60) { "outside" } else { "in_house" });
                let ndrugs = 1 + rng.below(3);
                let days_supply = *rng.pick(&[3u32, 5, 7, 14, 28]);
                for j in 0..ndrugs {
                    let (code, q) = *rng.pick(INTERNAL);
                    items.push(json!({ "code": code, "quantity": q, "days": days_supply, "rp": format!("{}", 1 + j % 2), "usage": "internal" }));
                }
                if rng.chance(25) {
                    let (code, q) = *rng.pick(EXTERNAL);
                    items.push(json!({ "code": code, "quantity": q, "rp": "9", "usage": "external" }));
                }
            }
            // Tests: 0–6 lab items, sometimes with 血液採取.
            if rng.chance(45) {
                for _ in 0..1 + rng.below(6) {
                    items.push(json!({ "code": rng.pick(LAB) }));
                }
                if rng.chance(60) {
                    items.push(json!({ "code": "160095710" }));
                }
            }
            if rng.chance(15) {
                items.push(json!({ "code": rng.pick(PROC) }));
            }
            v["items"] = json!(items);
            v
        })
        .collect();
    json!({ "id": format!("bench-{n:03}"), "facility": facility(rng), "patient": { "birth_date": birth }, "visits": visits })
}

/// The 200 claims of the mix as JSON documents (always the same ones).
pub fn documents() -> Vec<Value> {
    let mut rng = Rng(0x005A_17E1_BEAC);
    (0..CLAIMS).map(|n| claim(&mut rng, n)).collect()
}
