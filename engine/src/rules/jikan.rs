//! Time class of a visit: 時間外 / 休日 / 深夜 / 夜間・早朝等 / 小児科特例.
//!
//! ## 何をするか
//! Derives the class from `visits[].time`, `facility.hours` (表示診療時間), the holiday calendar
//! and `urgent`, unless `visits[].time_class` gives it.
//!
//! ## 根拠
//! - R6告示 A000 注7 (時間外・休日・深夜), 注8 (小児科特例), 注9 (夜間・早朝等加算); A001 注5–7;
//!   A002 注7–9. R6通知 A000(18)–(23): 深夜 22:00–06:00; 時間外 = outside 表示診療時間
//!   (standard: before 08:00 / from 18:00, Saturday from 12:00); 休日/深夜 only for emergency
//!   facilities or a patient who comes urgently while the facility is closed; 夜間・早朝等 only
//!   within 表示診療時間, at 診療所 with 30 hours a week or more (R6施設告示 第三 二). H.
//! - 小児科特例 (注8): a facility 標榜ing 小児科, patient < 6, 夜間/休日/深夜 **within**
//!   表示診療時間; not at 時間外特例 facilities. H.
//!
//! ## 使うマスタ項目
//! None directly; [`super::chu_kasan`] matches the class to 時間加算区分 (col 43).

use crate::calendar;
use crate::claim::{TimeClass, Visit};
use crate::context::Ctx;
use chrono::{Datelike, NaiveDate};

/// The band of a 小児科特例 / 夜間・早朝等 visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// 夜間 (the standard 時間外 band: before 08:00 / from 18:00, Saturday from 12:00)
    Night,
    Holiday,
    LateNight,
}

/// The resolved class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Regular,
    AfterHours,
    Holiday,
    LateNight,
    NightEarly,
    /// 小児科特例 (A000注8, A001注6, A002注9).
    PediatricSpecial(Band),
}

/// The 時間加算区分 values (master col 43) a class accepts, per R6告示 and masters.md §3.1.
pub fn wanted_time_kasan(class: Class, after_hours_special: bool) -> &'static [u8] {
    match class {
        Class::Regular => &[],
        Class::AfterHours if after_hours_special => &[5],
        Class::AfterHours => &[1],
        Class::Holiday => &[2, 3],
        Class::LateNight => &[4],
        Class::NightEarly => &[6],
        Class::PediatricSpecial(Band::Night) => &[7],
        Class::PediatricSpecial(Band::Holiday) => &[2, 3],
        Class::PediatricSpecial(Band::LateNight) => &[4],
    }
}

/// The 小児科特例 codes (A000注8: 乳幼児夜間/休日/深夜加算（小児科初診）; A001注6 （小児科再診）;
/// A002注9 （小児科・外来診療料）). The master gives them the same 時間加算区分 and age as the
/// ordinary 乳幼児 time codes, so the 告示's distinction is kept here.
pub const PEDIATRIC_SPECIAL_CODES: &[u32] = &[
    111011570, 111011670, 111011770, 112014170, 112014270, 112014370, 112014470, 112014570, 112014670,
];

/// Whether the 表示診療時間 cover 30 hours a week or more (夜間・早朝等加算 施設基準, R6施設告示 第三 二).
pub fn weekly_minutes(ctx: &Ctx<'_>) -> u32 {
    ctx.claim
        .facility
        .hours
        .iter()
        .map(|h| {
            let open = calendar::parse_hhmm(&h.open).unwrap_or(0) as u32;
            let close = calendar::parse_hhmm(&h.close).unwrap_or(0) as u32;
            close.saturating_sub(open) * h.weekdays.len() as u32
        })
        .sum()
}

pub(crate) fn within_hours(ctx: &Ctx<'_>, d: NaiveDate, min: u16) -> Option<bool> {
    let hours = &ctx.claim.facility.hours;
    if hours.is_empty() {
        return None;
    }
    let wd = d.weekday().number_from_monday() as u8;
    Some(hours.iter().any(|h| {
        h.weekdays.contains(&wd)
            && calendar::parse_hhmm(&h.open).is_some_and(|o| o <= min)
            && calendar::parse_hhmm(&h.close).is_some_and(|c| min < c)
    }))
}

/// The class with a one-line explanation for the trace, and a note when a fact was assumed.
pub fn classify(ctx: &Ctx<'_>, v: &Visit) -> (Class, String, Option<&'static str>) {
    let d = v.date;
    if let Some(tc) = v.time_class {
        let c = match tc {
            TimeClass::Regular => Class::Regular,
            TimeClass::AfterHours => Class::AfterHours,
            TimeClass::Holiday => Class::Holiday,
            TimeClass::LateNight => Class::LateNight,
            TimeClass::NightEarly => Class::NightEarly,
        };
        return (c, format!("time_class {tc:?} given"), None);
    }
    let Some(min) = v.time.as_deref().and_then(calendar::parse_hhmm) else {
        return (Class::Regular, "no time given: regular hours".into(), None);
    };
    let holiday = calendar::is_fee_holiday(d);
    let late = calendar::is_late_night(min);
    let night = calendar::is_outside_standard_day(d, min);
    // 表示診療時間 are given per weekday; a Sunday is covered by weekday 7. A national holiday
    // or 12/29–1/3 on another weekday counts as closed (clinics rarely post hours for them).
    let posted_holiday_hours = d.weekday() == chrono::Weekday::Sun;
    let (within, assumed) = match within_hours(ctx, d, min) {
        Some(w) => (w && (!holiday || posted_holiday_hours), None),
        None => (!holiday && !night, Some("NO_HOURS")),
    };
    let age_lt6 = ctx.age_years(d) < 6;
    let pediatric_dept = v
        .department
        .as_deref()
        .is_some_and(|s| s.contains("小児科") || s.contains("小児外科"));
    let special = ctx.has_capability("after_hours_special", d);
    if within {
        let band = if late {
            Some(Band::LateNight)
        } else if holiday {
            Some(Band::Holiday)
        } else if night {
            Some(Band::Night)
        } else {
            None
        };
        if let Some(b) = band {
            if pediatric_dept && age_lt6 && !special {
                return (
                    Class::PediatricSpecial(b),
                    format!("{b:?} within 表示診療時間, 小児科, age < 6: 小児科特例"),
                    assumed,
                );
            }
            let qualifies =
                ctx.is_clinic() && (weekly_minutes(ctx) >= 30 * 60 || ctx.has_standard_named("夜間・早朝等加算", d));
            if qualifies {
                return (
                    Class::NightEarly,
                    format!("{b:?} within 表示診療時間 at a clinic open ≥30 h/week: 夜間・早朝等"),
                    assumed,
                );
            }
        }
        return (Class::Regular, "within 表示診療時間".into(), assumed);
    }
    if !v.urgent && !ctx.has_capability("emergency", d) {
        return (
            Class::Regular,
            "outside 表示診療時間 but not urgent: no time 加算".into(),
            assumed.or(Some("NOT_URGENT")),
        );
    }
    let c = if late {
        Class::LateNight
    } else if holiday {
        Class::Holiday
    } else {
        Class::AfterHours
    };
    (c, format!("{c:?}: outside 表示診療時間, urgent"), assumed)
}

/// The time-class stage: the visit's class (with why, for the 注加算 trace) and the notes on
/// assumed hours and urgency.
pub fn stage<'c>(ctx: &'c Ctx<'c>, led: &mut crate::ledger::Ledger<'c>, vs: &mut crate::context::VisitState<'c>) {
    use crate::outcome::Level;
    let v = &ctx.claim.visits[vs.i];
    let (class, class_why, assumed) = classify(ctx, v);
    let vp = vs.path();
    match assumed {
        Some("NO_HOURS") if !led.diags.iter().any(|d| d.code == "NO_HOURS") => led.diag(
            Level::Info,
            "NO_HOURS",
            "facility.hours not given: the standard hours (weekdays 08:00–18:00, Saturday 08:00–12:00) were assumed",
            "facility.hours",
        ),
        Some("NOT_URGENT") => led.diag(
            Level::Info,
            "NOT_URGENT",
            format!("{vp}: outside 表示診療時間 but `urgent` is false: no 時間外/休日/深夜加算 (R6通知 A000(18)–(21))"),
            format!("{vp}.urgent"),
        ),
        _ => {}
    }
    vs.class = class;
    vs.class_why = class_why;
}
