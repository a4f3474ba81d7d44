//! The columns each field of the catalog's node types reads ([`NodeFields`]), so nested pages
//! select only what the query shows. Keep a map in step with its type's resolvers: a field
//! left out of it is served from a full row (correct, only slower); a field listed with too
//! few columns would show neutral values, which the tests comparing nested and top-level
//! answers catch.
use entity::{framework, role, skill};

use super::{cols, NodeFields};
use crate::store::{columns::Columns, edges::AliasRow};

impl NodeFields for skill::Model {
    const FIELDS: &'static [(&'static str, Columns)] = &[
        ("id", Columns::NONE),
        ("slug", cols::<Self>(&["slug"])),
        ("name", cols::<Self>(&["name"])),
        ("kind", cols::<Self>(&["kind"])),
        ("description", cols::<Self>(&["description"])),
        ("escoUri", cols::<Self>(&["esco_uri"])),
        ("onetName", cols::<Self>(&["onet_name"])),
        ("firstReleaseYear", cols::<Self>(&["first_release_year"])),
        ("license", cols::<Self>(&["license"])),
        ("homepage", cols::<Self>(&["homepage"])),
        ("reuseLevel", cols::<Self>(&["reuse_level"])),
        ("onetElementId", cols::<Self>(&["onet_element_id"])),
        ("source", cols::<Self>(&["source_id"])),
        ("createdAt", cols::<Self>(&["created_at"])),
        ("updatedAt", cols::<Self>(&["updated_at"])),
        ("aliases", Columns::NONE),
        ("broader", Columns::NONE),
        ("narrower", Columns::NONE),
        ("prerequisites", Columns::NONE),
        ("requiredBy", Columns::NONE),
        ("related", Columns::NONE),
        ("frameworks", Columns::NONE),
        ("roles", Columns::NONE),
        ("jobPostings", Columns::NONE),
    ];
}

impl NodeFields for role::Model {
    const FIELDS: &'static [(&'static str, Columns)] = &[
        ("id", Columns::NONE),
        ("slug", cols::<Self>(&["slug"])),
        ("name", cols::<Self>(&["name"])),
        ("description", cols::<Self>(&["description"])),
        ("escoUri", cols::<Self>(&["esco_uri"])),
        ("onetSocCode", cols::<Self>(&["onet_soc_code"])),
        ("iscoCode", cols::<Self>(&["isco_code"])),
        ("source", cols::<Self>(&["source_id"])),
        ("createdAt", cols::<Self>(&["created_at"])),
        ("updatedAt", cols::<Self>(&["updated_at"])),
        ("aliases", Columns::NONE),
        ("related", Columns::NONE),
        ("relatedFrom", Columns::NONE),
        ("skills", Columns::NONE),
        ("frameworks", Columns::NONE),
        ("jobPostings", Columns::NONE),
    ];
}

impl NodeFields for framework::Model {
    const FIELDS: &'static [(&'static str, Columns)] = &[
        ("id", Columns::NONE),
        ("slug", cols::<Self>(&["slug"])),
        ("name", cols::<Self>(&["name"])),
        ("description", cols::<Self>(&["description"])),
        ("category", cols::<Self>(&["category"])),
        ("firstReleaseYear", cols::<Self>(&["first_release_year"])),
        ("license", cols::<Self>(&["license"])),
        ("homepage", cols::<Self>(&["homepage"])),
        ("escoUri", cols::<Self>(&["esco_uri"])),
        ("onetName", cols::<Self>(&["onet_name"])),
        ("createdAt", cols::<Self>(&["created_at"])),
        ("updatedAt", cols::<Self>(&["updated_at"])),
        ("language", cols::<Self>(&["language_id"])),
        ("aliases", Columns::NONE),
        ("skills", Columns::NONE),
        ("roles", Columns::NONE),
        ("jobPostings", Columns::NONE),
    ];
}

impl NodeFields for AliasRow {
    const FIELDS: &'static [(&'static str, Columns)] = &[("name", cols::<Self>(&["alias"]))];
}
