//! The rule-id catalogue (`engine/src/rules/mod.rs`) is complete and documented: every id a
//! result line can carry is made by the catalogue (the `RuleId` constructor is private to it),
//! names the family file that owns it, cites its source and says what decides it — the data it
//! reads, and for what is coded, why no data carries it. Each id is also listed in
//! `docs/diagnostics.md` (section "Rule ids").

use engine::rules::CATALOGUE;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn ids_are_unique_and_owned_by_a_family_file() {
    let mut seen = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for e in CATALOGUE {
        assert!(seen.insert(e.id.as_str()), "duplicate rule id {}", e.id);
        let f = src.join(e.family);
        assert!(
            f.exists(),
            "{}: family {} does not exist under engine/src",
            e.id,
            e.family
        );
        assert_eq!(e.id.entry().family, e.family);
    }
}

#[test]
fn every_rule_says_what_decides_it() {
    for e in CATALOGUE {
        let parts: Vec<&str> = e.basis.split("; ").collect();
        assert!(!parts.is_empty());
        for p in &parts {
            assert!(
                (p.starts_with("D:") || p.starts_with("C:")) && p.len() > 4,
                "{}: basis part `{p}` must start with D: (data) or C: (coded, with why)",
                e.id
            );
        }
        // A coded rule cites the official text it implements.
        if e.coded().next().is_some() {
            assert!(
                ["告示", "通知", "MHLW", "材料価格基準", "点数表"]
                    .iter()
                    .any(|k| e.source.contains(k)),
                "{}: a coded rule must cite its 告示/通知 source, not `{}`",
                e.id,
                e.source
            );
        }
    }
}

/// The list of what stays in code, each with its source and the reason no data carries it (the
/// test prints it; run with `--nocapture` to read it).
#[test]
fn coded_rules_are_listed_with_source_and_reason() {
    let mut n = 0;
    for e in CATALOGUE {
        for why in e.coded() {
            assert!(why.len() > 10, "{}: say why no data carries it", e.id);
            println!("{:<20} {:<28} {} — {}", e.id, e.family, e.source, why);
            n += 1;
        }
    }
    assert!(n > 0);
}

#[test]
fn every_rule_id_is_documented() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let section = doc
        .split("## Rule ids")
        .nth(1)
        .expect("docs/diagnostics.md has a `## Rule ids` section");
    for e in CATALOGUE {
        assert!(
            section.contains(&format!("| `{}` |", e.id)),
            "rule id `{}` is not in docs/diagnostics.md § Rule ids",
            e.id
        );
    }
}
