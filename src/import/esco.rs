//! ESCO (European Skills, Competences, Qualifications and Occupations), the CSV release in
//! English: skills and skill groups → skills (with aliases, the broader polyhierarchy and related
//! skills), occupations → roles (ISCO code, aliases) and the occupation–skill relations →
//! role_skill (essential / optional, no level).
//!
//! Both naming schemes are read: v1.1 names the relation files without a language suffix
//! (`occupationSkillRelations.csv`), v1.2 with one (`occupationSkillRelations_en.csv`).
use std::path::{Path, PathBuf};

use csv::StringRecord;
use sea_orm::DatabaseConnection;

use crate::{
    error::AppResult,
    import::{
        batch::{Batch, Upsert},
        concepts::{
            Concept, ConceptWriter, RoleFields, SkillFields, ROLE_BY_ESCO_URI, SKILL_BY_ESCO_URI,
        },
        crosswalk::{write_equivalents, KeyMap, Link},
        read::{field, labels, opt, text, Format, ReleaseDir, SourceFile},
        session::{release_version, Session},
        slug::Slugs,
        ImportOptions, ImportReport, SourceSpec,
    },
};

pub fn source_spec(version: &str) -> SourceSpec {
    SourceSpec {
        name: "esco",
        label: "ESCO",
        version: version.to_owned(),
        uri: "https://esco.ec.europa.eu",
        attribution: format!(
            "ESCO classification, v{version}, © European Union, https://esco.ec.europa.eu \
             (reuse permitted with the source acknowledged, Commission Decision 2011/833/EU)"
        ),
    }
}

/// The files of a release folder.
struct Files {
    skills: PathBuf,
    groups: Option<PathBuf>,
    occupations: PathBuf,
    occupation_skills: Option<PathBuf>,
    skill_skills: Option<PathBuf>,
    broader: Option<PathBuf>,
    notes: Vec<String>,
}

impl Files {
    fn find(dir: &Path) -> AppResult<Self> {
        let mut release = ReleaseDir::open(dir)?;
        let mut suffixed = 0;
        let mut plain = 0;
        // ESCO v1.1 names relation files `base.csv`, v1.2 `base_en.csv`.
        let mut relation = |release: &mut ReleaseDir, base: &str| {
            let plain_name = format!("{base}.csv");
            let en_name = format!("{base}_en.csv");
            if let Some(p) = release.file(&plain_name) {
                plain += 1;
                Some(p)
            } else if let Some(p) = release.file(&en_name) {
                suffixed += 1;
                Some(p)
            } else {
                release
                    .notes
                    .push(format!("no {plain_name} or {en_name}: skipped"));
                None
            }
        };
        let occupation_skills = relation(&mut release, "occupationSkillRelations");
        let skill_skills = relation(&mut release, "skillSkillRelations");
        let broader = relation(&mut release, "broaderRelationsSkillPillar");
        let groups = release.optional("skillGroups_en.csv");
        if suffixed > 0 || plain > 0 {
            release.notes.insert(
                0,
                if suffixed > plain {
                    "relation files named as in ESCO v1.2 (_en suffix)".to_owned()
                } else {
                    "relation files named as in ESCO v1.1 (no language suffix)".to_owned()
                },
            );
        }
        Ok(Files {
            skills: release.required("skills_en.csv")?,
            groups,
            occupations: release.required("occupations_en.csv")?,
            occupation_skills,
            skill_skills,
            broader,
            notes: release.notes,
        })
    }
}

const TABLES: &[&str] = &[
    "skill",
    "skill_alias",
    "skill_label",
    "skill_broader",
    "skill_related",
    "role",
    "role_alias",
    "role_equivalent",
    "role_skill",
];

/// Imports an ESCO release folder in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    dir: &Path,
    opts: &ImportOptions,
) -> AppResult<ImportReport> {
    let files = Files::find(dir)?;
    let version = release_version(opts, dir, None, "ESCO", "1.1.1")?;
    let notes = files.notes.clone();
    let mut cx = Session::begin(db, source_spec(&version), opts, TABLES, notes).await?;

    let mut skills = cx
        .key_map("skill", "esco_uri", "skills", Link::Merge)
        .await?;
    let mut slugs = cx.slugs("skill").await?;
    let mut writer = ConceptWriter::new(&SKILL_BY_ESCO_URI, cx.source_id, &cx.family);
    read_skills(&mut cx, &files.skills, &mut writer, &mut skills, &mut slugs).await?;
    if let Some(path) = &files.groups {
        read_groups(&mut cx, path, &mut writer, &mut skills, &mut slugs).await?;
    }
    writer.finish(&cx.txn, &mut skills, &mut cx.tracker).await?;
    drop(slugs);

    if let Some(path) = &files.broader {
        read_skill_pairs(&mut cx, path, &skills, Pairs::Broader).await?;
    }
    if let Some(path) = &files.skill_skills {
        read_skill_pairs(&mut cx, path, &skills, Pairs::Related).await?;
    }

    let mut roles = cx
        .key_map("role", "esco_uri", "occupations", Link::Equivalent)
        .await?;
    let mut role_slugs = cx.slugs("role").await?;
    read_occupations(&mut cx, &files.occupations, &mut roles, &mut role_slugs).await?;
    write_equivalents(&mut cx, &roles, "esco_uri").await?;
    // O*NET imported first: its technologies are linked to ESCO's skills now.
    crate::import::crosswalk::relink_technologies(&mut cx).await?;
    if let Some(path) = &files.occupation_skills {
        read_occupation_skills(&mut cx, path, &roles, &skills).await?;
    }

    cx.commit(vec![skills.section(), roles.section()]).await
}

fn reuse_level(f: &SourceFile, rec: &StringRecord, v: &str) -> AppResult<Option<String>> {
    match v.trim() {
        "" => Ok(None),
        v @ ("transversal" | "cross-sector" | "sector-specific" | "occupation-specific") => {
            Ok(Some(v.to_owned()))
        }
        other => Err(f.invalid(rec, format!("unknown reuseLevel '{other}'"))),
    }
}

async fn read_skills(
    cx: &mut Session<'_>,
    path: &Path,
    writer: &mut ConceptWriter,
    map: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Csv, cx.opts.progress)?;
    let c_uri = f.col("conceptUri")?;
    let c_type = f.col("skillType")?;
    let c_reuse = f.col("reuseLevel")?;
    let c_label = f.col("preferredLabel")?;
    let c_alt = f.col("altLabels")?;
    let c_desc = f.col("description")?;
    let c_def = f.opt_col("definition");
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let key = f.required(&rec, c_uri, "conceptUri")?;
        let name = f.required(&rec, c_label, "preferredLabel")?;
        // A handful of ESCO skills (digital competences) have no type: they are competences.
        let kind = match field(&rec, c_type).trim() {
            "skill/competence" | "" => "competence",
            "knowledge" => "knowledge",
            other => return Err(f.invalid(&rec, format!("unknown skillType '{other}'"))),
        };
        let description =
            text(field(&rec, c_desc)).or_else(|| c_def.and_then(|d| text(field(&rec, d))));
        let fields = SkillFields {
            kind,
            description,
            esco_uri: Some(key.clone()),
            onet_name: None,
            onet_element_id: None,
            reuse_level: reuse_level(&f, &rec, field(&rec, c_reuse))?,
        };
        let c = Concept::skill(key, name, fields, labels(field(&rec, c_alt)), cx.source_id);
        writer.add(&cx.txn, map, slugs, &mut cx.tracker, c).await?;
    }
    Ok(())
}

/// Skill groups are skills of kind "concept" (the upper levels of the skills pillar).
async fn read_groups(
    cx: &mut Session<'_>,
    path: &Path,
    writer: &mut ConceptWriter,
    map: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Csv, cx.opts.progress)?;
    let c_uri = f.col("conceptUri")?;
    let c_label = f.col("preferredLabel")?;
    let c_alt = f.col("altLabels")?;
    let c_desc = f.col("description")?;
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let key = f.required(&rec, c_uri, "conceptUri")?;
        let name = f.required(&rec, c_label, "preferredLabel")?;
        let fields = SkillFields {
            kind: "concept",
            description: text(field(&rec, c_desc)),
            esco_uri: Some(key.clone()),
            onet_name: None,
            onet_element_id: None,
            reuse_level: None,
        };
        let c = Concept::skill(key, name, fields, labels(field(&rec, c_alt)), cx.source_id);
        writer.add(&cx.txn, map, slugs, &mut cx.tracker, c).await?;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pairs {
    /// narrower → broader (a polyhierarchy; kept acyclic).
    Broader,
    /// symmetric: stored both ways.
    Related,
}

async fn read_skill_pairs(
    cx: &mut Session<'_>,
    path: &Path,
    skills: &KeyMap,
    kind: Pairs,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Csv, cx.opts.progress)?;
    let (table, a_col, b_col): (&'static str, _, _) = match kind {
        Pairs::Broader => ("skill_broader", f.col("conceptUri")?, f.col("broaderUri")?),
        Pairs::Related => (
            "skill_related",
            f.col("originalSkillUri")?,
            f.col("relatedSkillUri")?,
        ),
    };
    let mut batch = match kind {
        Pairs::Broader => cx.pair_batch(
            table,
            &["skill_id", "broader_id", "source_id", "created_at"],
        ),
        Pairs::Related => cx.pair_batch(
            table,
            &["skill_id", "related_id", "source_id", "created_at"],
        ),
    };
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let a = f.required(&rec, a_col, "concept URI")?;
        let b = f.required(&rec, b_col, "concept URI")?;
        let line = f.line();
        let ways = if kind == Pairs::Related { 2 } else { 1 };
        cx.tracker.read(table, ways);
        let (Some(ta), Some(tb)) = (skills.get(&a), skills.get(&b)) else {
            let missing = if skills.get(&a).is_none() { a } else { b };
            cx.unknown(&file, "unknown skill or skill group", line, &missing);
            continue;
        };
        for x in ta {
            for y in tb {
                if x.id == y.id {
                    cx.tracker
                        .issue(format!("{file}: a skill linked to itself"), || {
                            format!("line {line}: {a}")
                        });
                    continue;
                }
                let mut pairs = vec![(x.id, y.id)];
                if kind == Pairs::Related {
                    pairs.push((y.id, x.id));
                }
                for (p, q) in pairs {
                    cx.add_pair(&mut batch, p, q).await?;
                }
            }
        }
    }
    cx.finish_batch(batch).await
}

async fn read_occupations(
    cx: &mut Session<'_>,
    path: &Path,
    map: &mut KeyMap,
    slugs: &mut Slugs,
) -> AppResult<()> {
    let mut writer = ConceptWriter::new(&ROLE_BY_ESCO_URI, cx.source_id, &cx.family);
    let mut f = SourceFile::open(path, Format::Csv, cx.opts.progress)?;
    let c_uri = f.col("conceptUri")?;
    let c_isco = f.col("iscoGroup")?;
    let c_label = f.col("preferredLabel")?;
    let c_alt = f.col("altLabels")?;
    let c_desc = f.col("description")?;
    let c_def = f.opt_col("definition");
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let key = f.required(&rec, c_uri, "conceptUri")?;
        let name = f.required(&rec, c_label, "preferredLabel")?;
        let isco = opt(field(&rec, c_isco));
        if let Some(code) = &isco {
            if code.len() > 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(f.invalid(&rec, format!("iscoGroup '{code}' is not an ISCO code")));
            }
        }
        let description =
            text(field(&rec, c_desc)).or_else(|| c_def.and_then(|d| text(field(&rec, d))));
        let fields = RoleFields {
            description,
            esco_uri: Some(key.clone()),
            onet_soc_code: None,
            isco_code: isco,
        };
        let c = Concept::role(key, name, fields, labels(field(&rec, c_alt)), cx.source_id);
        writer.add(&cx.txn, map, slugs, &mut cx.tracker, c).await?;
    }
    writer.finish(&cx.txn, map, &mut cx.tracker).await
}

async fn read_occupation_skills(
    cx: &mut Session<'_>,
    path: &Path,
    roles: &KeyMap,
    skills: &KeyMap,
) -> AppResult<()> {
    let mut f = SourceFile::open(path, Format::Csv, cx.opts.progress)?;
    let c_occ = f.col("occupationUri")?;
    let c_rel = f.col("relationType")?;
    let c_skill = f.col("skillUri")?;
    let mut batch: Batch<(i64, i64)> = Batch::new(
        Upsert {
            table: "role_skill",
            cols: &[
                "role_id",
                "skill_id",
                "importance",
                "source_id",
                "created_at",
                "updated_at",
            ],
            conflict: &["role_id", "skill_id"],
            always: &[],
            owned: &["importance", "source_id"],
            returning: None,
        },
        &cx.family,
    );
    let now = cx.now;
    let file = f.name().to_owned();
    let mut rec = StringRecord::new();
    while f.next(&mut rec)? {
        let occ = f.required(&rec, c_occ, "occupationUri")?;
        let skill = f.required(&rec, c_skill, "skillUri")?;
        let importance = match field(&rec, c_rel).trim() {
            "essential" => "essential",
            "optional" => "optional",
            other => {
                return Err(f.invalid(
                    &rec,
                    format!("relationType must be essential or optional, got '{other}'"),
                ))
            }
        };
        cx.tracker.read("role_skill", 1);
        let line = f.line();
        let Some(rs) = roles.get(&occ) else {
            cx.tracker.issue(format!("{file}: unknown occupation"), || {
                format!("line {line}: {occ}")
            });
            continue;
        };
        let Some(ss) = skills.get(&skill) else {
            cx.tracker.issue(format!("{file}: unknown skill"), || {
                format!("line {line}: {skill}")
            });
            continue;
        };
        for r in rs {
            for s in ss {
                let row = vec![
                    r.id.into(),
                    s.id.into(),
                    importance.into(),
                    cx.source_id.into(),
                    now.into(),
                    now.into(),
                ];
                batch.add(&cx.txn, (r.id, s.id), row).await?;
            }
        }
    }
    batch.flush(&cx.txn).await?;
    cx.tracker
        .wrote("role_skill", batch.attempted, batch.affected);
    Ok(())
}
