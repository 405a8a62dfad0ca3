//! The signed form of a plan: exactly what the elder or guardian approves, encoded
//! canonically (RFC 8785 JSON, by `serde_json_canonicalizer`) and hashed with SHA-256. The
//! same plan always gives the same bytes and hash; any change to an item, a room, a quantity,
//! a price, an amount, a note or the agreement text gives another hash, so a change after
//! signing is detectable (Electronic Signature Law Art. 13(4)).
//!
//! Money is integer fen: RFC 8785 writes numbers as IEEE doubles, which hold every fen amount
//! a plan can have exactly.

use crate::retrofit_catalogue::Fen;
use crate::retrofit_plan::{cost, Amounts, NotNeeded, PlanLine};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Bumped whenever a field is added to or removed from the document.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDocument {
    pub schema: u32,
    /// The application's reference (`SL-2026-000123`).
    pub application: String,
    pub version: u32,
    pub subsidised: bool,
    pub lines: Vec<DocumentLine>,
    pub not_needed: Vec<NotNeeded>,
    pub total: Amounts,
    pub agreement_version: u32,
    pub agreement_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLine {
    pub no: u16,
    pub kind: crate::retrofit_catalogue::ItemKind,
    pub name_zh: String,
    pub unit_zh: String,
    pub room: crate::retrofit_plan::Room,
    pub quantity_centi: i64,
    pub unit_price_fen: Fen,
    pub subsidy_cap_fen: Fen,
    pub note: String,
    pub price_fen: Fen,
    pub subsidy_fen: Fen,
    pub self_paid_fen: Fen,
}

pub struct PlanInput<'a> {
    pub application: &'a str,
    pub version: u32,
    pub subsidised: bool,
    pub lines: &'a [PlanLine],
    pub not_needed: &'a [NotNeeded],
    pub agreement_version: u32,
    pub agreement_text: &'a str,
}

impl PlanDocument {
    /// The document of a plan, with the amounts computed by [`cost`] (never taken from a
    /// request).
    pub fn new(input: PlanInput<'_>) -> PlanDocument {
        let costed = cost(input.lines, input.subsidised);
        let lines = input
            .lines
            .iter()
            .zip(&costed.lines)
            .map(|(l, a)| DocumentLine {
                no: l.item.no,
                kind: l.item.kind,
                name_zh: l.item.name_zh.clone(),
                unit_zh: l.item.unit_zh.clone(),
                room: l.room,
                quantity_centi: l.quantity_centi,
                unit_price_fen: l.item.unit_price_fen,
                subsidy_cap_fen: l.item.subsidy_cap_fen,
                note: l.note.clone(),
                price_fen: a.price_fen,
                subsidy_fen: a.subsidy_fen,
                self_paid_fen: a.self_paid_fen,
            })
            .collect();
        PlanDocument {
            schema: SCHEMA_VERSION,
            application: input.application.to_owned(),
            version: input.version,
            subsidised: input.subsidised,
            lines,
            not_needed: input.not_needed.to_vec(),
            total: costed.total,
            agreement_version: input.agreement_version,
            agreement_text: input.agreement_text.to_owned(),
        }
    }

    /// The canonical bytes that are stored with the signature and hashed.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Only strings, booleans, integers well inside ±2^53, arrays and objects: nothing
        // the canonicaliser can refuse.
        serde_json_canonicalizer::to_vec(self).unwrap_or_default()
    }

    /// Lower-case hex SHA-256 of [`Self::canonical_bytes`].
    pub fn sha256_hex(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }
}

/// The construction contract as both sides sign it: the works' dates, the company, the
/// standard terms, and the signed plan it carries out — by the plan's hash, so the contract
/// cannot be read against another plan. Same canonical form and hash as [`PlanDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractDocument {
    pub schema: u32,
    pub kind: &'static str,
    pub application: String,
    pub version: u32,
    pub plan_version: u32,
    pub plan_sha256: String,
    pub contractor: String,
    pub planned_start: String,
    pub planned_finish: String,
    /// The signed plan's totals (the plan's own document holds each line).
    pub total: Amounts,
    pub terms_version: u32,
    pub terms_text: String,
}

impl ContractDocument {
    pub const KIND: &'static str = "construction_contract";

    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Strings, integers well inside ±2^53 and one object: nothing the canonicaliser can
        // refuse.
        serde_json_canonicalizer::to_vec(self).unwrap_or_default()
    }

    pub fn sha256_hex(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrofit_catalogue::{ItemKind, SEED_CATALOGUE};
    use crate::retrofit_plan::{PricedItem, Room};

    fn line(no: u16, room: Room, quantity_centi: i64) -> PlanLine {
        PlanLine {
            item: PricedItem::from_seed(&SEED_CATALOGUE[no as usize - 1]),
            room,
            quantity_centi,
            note: "靠马桶一侧".into(),
        }
    }

    fn lines() -> Vec<PlanLine> {
        vec![
            line(13, Room::Bathroom, 200),
            line(24, Room::WholeHome, 100),
        ]
    }

    fn document(lines: &[PlanLine], agreement: &str) -> PlanDocument {
        PlanDocument::new(PlanInput {
            application: "SL-2026-000007",
            version: 2,
            subsidised: true,
            lines,
            not_needed: &[],
            agreement_version: 1,
            agreement_text: agreement,
        })
    }

    #[test]
    fn the_same_plan_always_gives_the_same_bytes_and_hash() {
        let a = document(&lines(), "协议");
        let b = document(&lines(), "协议");
        assert_eq!(a.canonical_bytes(), b.canonical_bytes());
        assert_eq!(a.sha256_hex(), b.sha256_hex());
        assert_eq!(a.sha256_hex().len(), 64);
        // Canonical: keys sorted, no whitespace, amounts as plain integers.
        let text = String::from_utf8(a.canonical_bytes()).unwrap();
        assert!(text.starts_with(r#"{"agreement_text":"协议","agreement_version":1,"application":"SL-2026-000007","lines":[{"kind":"basic","name_zh":"安装扶手","no":13,"note":"靠马桶一侧","price_fen":36000,"#), "{text}");
        assert!(!text.contains(' ') && !text.contains('\n'));
    }

    #[test]
    fn any_change_to_what_was_signed_changes_the_hash() {
        let base = document(&lines(), "协议").sha256_hex();
        let mut changed: Vec<PlanDocument> = Vec::new();
        let mut l = lines();
        l[0].quantity_centi = 300;
        changed.push(document(&l, "协议"));
        let mut l = lines();
        l[0].room = Room::Corridor;
        changed.push(document(&l, "协议"));
        let mut l = lines();
        l[1].item.unit_price_fen += 1;
        changed.push(document(&l, "协议"));
        let mut l = lines();
        l[0].note.push('。');
        changed.push(document(&l, "协议"));
        let mut l = lines();
        l.reverse();
        changed.push(document(&l, "协议"));
        changed.push(document(&lines(), "协议。"));
        let mut d = document(&lines(), "协议");
        d.version = 3;
        changed.push(d);
        let mut d = document(&lines(), "协议");
        d.subsidised = false;
        changed.push(d);
        let mut d = document(&lines(), "协议");
        d.lines[0].kind = ItemKind::Optional;
        changed.push(d);
        for (i, d) in changed.iter().enumerate() {
            assert_ne!(d.sha256_hex(), base, "change {i} kept the hash");
        }
    }

    #[test]
    fn the_amounts_in_the_document_are_computed_not_copied() {
        let d = document(&lines(), "协议");
        assert_eq!(d.total.price_fen, 36_000 + 8_000);
        assert_eq!(d.total.subsidy_fen, 36_000 + 8_000);
        assert_eq!(d.total.self_paid_fen, 0);
    }

    fn contract() -> ContractDocument {
        ContractDocument {
            schema: SCHEMA_VERSION,
            kind: ContractDocument::KIND,
            application: "SL-2026-000007".into(),
            version: 1,
            plan_version: 2,
            plan_sha256: document(&lines(), "协议").sha256_hex(),
            contractor: "滨湖适老化施工队".into(),
            planned_start: "2026-12-08".into(),
            planned_finish: "2026-12-12".into(),
            total: document(&lines(), "协议").total,
            terms_version: 1,
            terms_text: "合同".into(),
        }
    }

    #[test]
    fn a_contract_is_bound_to_its_plan_dates_and_company() {
        let base = contract().sha256_hex();
        assert_eq!(base, contract().sha256_hex());
        let text = String::from_utf8(contract().canonical_bytes()).unwrap();
        assert!(text.contains(r#""kind":"construction_contract""#), "{text}");
        let mut other_plan = contract();
        other_plan.plan_sha256 = document(&lines(), "协议。").sha256_hex();
        let mut later = contract();
        later.planned_finish = "2026-12-13".into();
        let mut company = contract();
        company.contractor = "别的施工队".into();
        let mut terms = contract();
        terms.terms_text.push('。');
        for (i, c) in [other_plan, later, company, terms].iter().enumerate() {
            assert_ne!(c.sha256_hex(), base, "change {i} kept the hash");
        }
    }
}
