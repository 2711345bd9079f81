//! The claim: one patient at one facility in one calendar month (医科 入院外).
//!
//! The JSON names are a fixed interface (`docs/claim-format.md`); fields may be added, never
//! renamed. Unknown fields are rejected with their JSON path, so a typo cannot drop a fact.

use crate::strict;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One claim.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub facility: Facility,
    pub patient: Patient,
    /// Lines billed for this patient at this facility before this claim's visits.
    #[serde(default)]
    pub history: Vec<HistoryLine>,
    pub visits: Vec<Visit>,
    /// Optional free label echoed in the result (e.g. a receipt number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The 医療保険 (futan.md §7(a)); with it (or `public_aid`) the result carries `burden`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<futan::Insurance>,
    /// 公費 受給者証 (futan.md §7(a), §5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_aid: Vec<futan::PublicAid>,
    /// 多数回 months and other providers' 上限額管理票 amounts (the standalone `history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub futan_history: Option<futan::History>,
    /// 入院 receipt (default `false`; santei computes 入院外 points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inpatient: Option<bool>,
}

/// 診療所 or 病院.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacilityKind {
    Clinic,
    Hospital,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    #[serde(deserialize_with = "strict::name")]
    pub kind: FacilityKind,
    /// 許可病床数 (general beds): 200 or more → 外来診療料 instead of 再診料.
    #[serde(default)]
    pub beds: u32,
    /// 表示診療時間. Weekday 1 = Monday … 7 = Sunday.
    #[serde(default)]
    pub hours: Vec<Hours>,
    /// 届出 施設基準, by code or name, dated.
    #[serde(default)]
    pub standards: Vec<Standard>,
    /// Dated facts that are not 届出.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// マイナ保険証利用率 in percent per month `YYYY-MM`.
    #[serde(
        default,
        deserialize_with = "strict::number_map",
        serialize_with = "strict::ser_number_map"
    )]
    pub myna_rates: BTreeMap<String, Decimal>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub weekdays: Vec<u8>,
    pub open: String,
    pub close: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// 施設基準コード as carried by the 医科診療行為マスター (cols 72–81), e.g. `"4035"`.
    #[serde(default)]
    pub code: Option<String>,
    /// The 施設基準's Japanese name (alternative to `code`).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(deserialize_with = "strict::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "strict::opt_date")]
    pub to: Option<NaiveDate>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    /// One of the documented ids (see `docs/claim-format.md`).
    pub id: String,
    #[serde(deserialize_with = "strict::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "strict::opt_date")]
    pub to: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    #[serde(deserialize_with = "strict::date")]
    pub birth_date: NaiveDate,
    #[serde(default, deserialize_with = "strict::opt_name")]
    pub sex: Option<Sex>,
    /// Whether the patient's 主病 is one of the diseases 厚生労働大臣が定める for 特定疾患療養管理料
    /// and 特定疾患処方管理加算 (R6 特掲診療料の施設基準等 別表第一; R6告示 B000, F100注5, F400注4).
    /// `None` = not stated: those items are not derived (an info diagnostic says so) and listed ones
    /// are kept unchecked; `Some(false)` removes a listed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokutei_shikkan: Option<bool>,
    /// *Addition (rehab).* 疾患別リハビリテーション episodes: the 区分 and its 起算日 (発症日等, R6通知
    /// 第7部 通則9). Without an episode for a listed 区分 the day-based rules (標準的算定日数, 早期/初期加算,
    /// 100分の90, 9単位) are not applied and `REHAB_START_MISSING` says so ([`crate::rules::rehab`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rehab: Vec<RehabEpisode>,
    /// *Addition (rehab).* 要介護被保険者等 (R6告示 H001注5–注7, H001-2, H002). `None` = not stated:
    /// assumed not (a `REHAB_KAIGO_ASSUMED` info says so when it would matter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kaigo: Option<bool>,
    /// *Addition (seishin).* The date of the patient's last discharge (退院日) from a hospital stay:
    /// 通院・在宅精神療法 allows 週2回 within 4 weeks after it (R6告示 I002注1). `None` = 週1回.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "strict::opt_date"
    )]
    pub discharged: Option<NaiveDate>,
    /// 在宅医療 facts of the patient (R6告示 C001, C002, C002-2; rules/zaitaku). *Addition*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<PatientHome>,
}

/// The 疾患別リハビリテーション 区分 of an episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum RehabKind {
    /// 心大血管疾患
    #[serde(rename = "H000")]
    H000,
    /// 脳血管疾患等
    #[serde(rename = "H001")]
    H001,
    /// 廃用症候群
    #[serde(rename = "H001-2")]
    H001_2,
    /// 運動器
    #[serde(rename = "H002")]
    H002,
    /// 呼吸器
    #[serde(rename = "H003")]
    H003,
}

/// A 疾患別リハビリテーション episode (`patient.rehab[]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RehabEpisode {
    /// The 区分: `"H000"`, `"H001"`, `"H001-2"`, `"H002"` or `"H003"`.
    #[serde(deserialize_with = "strict::name")]
    pub kind: RehabKind,
    /// 起算日: 発症、手術若しくは急性増悪又は最初に診断された日 (H001/H002), 廃用症候群の診断又は急性増悪
    /// (H001-2), 治療開始日 (H000/H003) — as written in the receipt's 摘要 (R6通知 第7部 通則9).
    #[serde(deserialize_with = "strict::date")]
    pub start: NaiveDate,
    /// 入院中の患者以外 eligible for 早期リハビリテーション加算 / 初期加算 (H001注2/注3: 脳卒中, H002注2/注3:
    /// 大腿骨頸部骨折, discharged from this or another facility with 地域連携診療計画加算). `None` = not
    /// stated: not derived (`REHAB_EARLY_UNKNOWN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early: Option<bool>,
    /// 算定日数の上限の除外対象患者 (特掲診療料の施設基準等 別表第九の八, 第九の九): beyond the
    /// 標準的算定日数 as within it. Default `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exempt: bool,
}

/// 在宅医療 facts of the patient that no listed code carries (rules/zaitaku). Every field is
/// optional; when a rule needs one that is absent, it says what it assumed (`ZAITAKU_ASSUMED`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatientHome {
    /// 単一建物診療患者の人数 (R6告示 C002注1): the patients of the facility's 訪問診療 and 医学管理
    /// living in the patient's building (1 = the patient alone). Assumed 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_building_patients: Option<u32>,
    /// The patient lives in a 施設 (特別養護老人ホーム, 有料老人ホーム等: 施設入居時等医学総合管理料,
    /// R6告示 C002-2) rather than at home (在宅時医学総合管理料, C002). When absent, the listed code's
    /// 枝番 decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<bool>,
    /// 別に厚生労働大臣が定める状態の患者 (R6告示 C002 1イ(1) etc.; 特掲診療料の施設基準等 別表第八の二).
    /// Assumed `false` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severe: Option<bool>,
    /// 別に厚生労働大臣が定める疾病等の患者 (R6告示 C001注1: no 週3回 limit; 特掲診療料の施設基準等
    /// 別表第七 / 第八). Assumed `false` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specified_disease: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryLine {
    #[serde(deserialize_with = "strict::date")]
    pub date: NaiveDate,
    pub code: String,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// 初診 / 再診 / none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VisitKind {
    First,
    Revisit,
    None,
}

/// An explicit time class overriding derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeClass {
    Regular,
    /// 時間外
    AfterHours,
    /// 休日
    Holiday,
    /// 深夜
    LateNight,
    /// 夜間・早朝等
    NightEarly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prescription {
    InHouse,
    Outside,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    #[serde(deserialize_with = "strict::date")]
    pub date: NaiveDate,
    #[serde(default)]
    pub time: Option<String>,
    #[serde(deserialize_with = "strict::name")]
    pub kind: VisitKind,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default, deserialize_with = "strict::opt_name")]
    pub time_class: Option<TimeClass>,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub myna: bool,
    /// 外来管理加算: the doctor gave the planned management and explanation.
    #[serde(default)]
    pub management: bool,
    /// 電話等再診 (a revisit by telephone or video at the patient's request).
    #[serde(default)]
    pub phone: bool,
    #[serde(default, deserialize_with = "strict::opt_name")]
    pub prescription: Option<Prescription>,
    #[serde(default)]
    pub items: Vec<Item>,
    /// The 公費 (`law`) that apply to this visit; default every `public_aid` entry valid on the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aid: Option<Vec<String>>,
    /// This visit is 特定疾病療養; default `true` when `insurance.tokutei_shippei` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokutei: Option<bool>,
    /// *Addition (seishin).* Kinds of 向精神薬 in one prescription of this visit (R6告示 I002注6,
    /// I002-2注2/注5). `None` = not stated: the 多剤 rules are not applied (`SEISHIN_DRUGS_UNKNOWN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psychotropics: Option<Psychotropics>,
    /// 在宅医療 facts of this visit (往診 / 訪問診療; rules/zaitaku). *Addition*.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<VisitHome>,
}

/// The 向精神薬 of one prescription (`visits[].psychotropics`): the number of kinds per class, as the
/// 通知 counts them (R6通知 I002-2, F100(3)); the master's 薬効分類 cannot tell the classes apart.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Psychotropics {
    #[serde(default)]
    pub anxiolytics: u32,
    #[serde(default)]
    pub hypnotics: u32,
    #[serde(default)]
    pub antidepressants: u32,
    #[serde(default)]
    pub antipsychotics: u32,
    /// 臨時の投薬等 (I002-2注2 excludes them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub temporary: bool,
    /// 3種類の抗うつ薬又は抗精神病薬を患者の病状等によりやむを得ず投与 (I002-2注2 excludes them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unavoidable: bool,
    /// The facility meets the 別に厚生労働大臣が定める要件 of I002注6 / I002-2注5. `None` = not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements_met: Option<bool>,
}

/// 在宅医療 facts of one 往診 / 訪問診療 (rules/zaitaku). Every field is optional; when a rule needs
/// one that is absent, it says what it assumed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VisitHome {
    /// 患家における診療時間 in minutes (R6告示 C000注2, C001注5: over 1 hour, 100点 per 30分又は
    /// その端数). Absent: assumed not over one hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// The patients of the same building seen by the facility's 訪問診療 on that day, this patient
    /// included (R6告示 C001注1: 2 or more = 同一建物居住者). Assumed 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_building_patients: Option<u32>,
    /// The patient is one of the 別に厚生労働大臣が定める患者 of R6告示 C000注1 (訪問診療 by this or a
    /// 連携 facility, 継続的な外来, 介護保険施設等 of a 協力医療機関): 注1 イ–ハ apply; `false` = 注1 ニ.
    /// Assumed `true` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defined_patient: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    Internal,
    AsNeeded,
    External,
    Injection,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    #[serde(
        default,
        deserialize_with = "strict::opt_number",
        serialize_with = "strict::ser_opt_number"
    )]
    pub quantity: Option<Decimal>,
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub rp: Option<String>,
    #[serde(default, deserialize_with = "strict::opt_name")]
    pub usage: Option<Usage>,
    /// 回数 for a procedure line (default 1).
    #[serde(default)]
    pub count: Option<u32>,
    /// 検体 collection label for 検体検査: items of one item-count 包括 group (master col 16) with the
    /// same label on the same day count as one 「患者から１回に採取した」 specimen. Not given = all
    /// same-day items of the group are one collection (R6告示 D006/D007/D008/D009/D013/D014 注).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specimen: Option<String>,
    /// A drug line written by its 一般名 on the 処方箋 (一般名処方; R6告示 F400注6, R6通知 F400(12)).
    /// Only read for `prescription: "outside"`; `None` = not stated (no 一般名処方加算 derived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_name: Option<bool>,
    /// A 臨時 (temporary) 内服 drug: with `days` ≤ 14 its 剤 is left out of the 7種類以上 count
    /// (R6告示 F100 2, F200注3, F400 2: 「臨時の投薬であって、投薬期間が２週間以内のもの」を除く).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub temporary: bool,
    /// *Addition (seishin).* Minutes the 精神療法 took (診療に要した時間; R6告示 I002 1/2, 注2). `None` = not
    /// stated: the listed row is kept as listed (`SEISHIN_MINUTES_MISSING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// *Addition:* when the procedure (処置, 手術, 麻酔, 内視鏡検査) started, HH:MM on the visit date,
    /// if not at the visit's `time`: the 時間外・休日・深夜加算 of the 通則 go by the start time
    /// (R6通知 第9部 通則4/8, 第10部 通則12). `None` = the visit's time (`TSUSOKU_START_TIME`).
    pub started: Option<String>,
}

/// Parses a claim from JSON, naming the JSON path of the first problem. A leading UTF-8 BOM is
/// skipped (editors on Windows write one); anything after the claim but white space is an error
/// (two claims on one line would otherwise lose the second).
///
/// A well-formed claim is read once, without tracking the JSON path (tracking allocates a
/// string per object key); only a document that fails is read again with tracking, so the error
/// and its path are those of [`parse_claim_tracked`] whichever way it is read.
pub fn parse_claim(json: &[u8]) -> Result<Claim, crate::ClaimError> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    match parse_untracked(json) {
        Some(c) => Ok(c),
        None => parse_claim_tracked(json),
    }
}

/// The claim, when `json` is one claim document and nothing else; `None` for anything else
/// (the caller then reads it again to name the problem). The UTF-8 of the whole line is checked
/// once up front (SIMD-fast) instead of string by string.
fn parse_untracked(json: &[u8]) -> Option<Claim> {
    let text = std::str::from_utf8(json).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let claim = Claim::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(claim)
}

/// [`parse_claim`] with the JSON path tracked all along (after the BOM was skipped): the error
/// names the path of the first problem.
fn parse_claim_tracked(json: &[u8]) -> Result<Claim, crate::ClaimError> {
    let de = &mut serde_json::Deserializer::from_slice(json);
    let claim = match serde_path_to_error::deserialize::<_, Claim>(&mut *de) {
        Ok(c) => c,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let path = if path == "." { String::new() } else { path };
            // serde echoes what it read (an unknown field's name, a bad string): never more
            // than ~200 characters of the input in a message.
            return Err(crate::ClaimError::Json {
                path: strict::clip(&path),
                message: strict::clip(&inner.to_string()),
            });
        }
    };
    de.end().map_err(|e| crate::ClaimError::Json {
        path: String::new(),
        message: format!(
            "data after the end of the claim at line {} column {} (one claim per input; in batch, one per line)",
            e.line(),
            e.column()
        ),
    })?;
    Ok(claim)
}
