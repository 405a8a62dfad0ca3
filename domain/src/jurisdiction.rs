//! The jurisdiction tree: province → city → county → street → community → building.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JurisdictionLevel {
    Province,
    City,
    County,
    Street,
    Community,
    Building,
}

impl JurisdictionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Street => "street",
            Self::Community => "community",
            Self::Building => "building",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Province,
            Self::City,
            Self::County,
            Self::Street,
            Self::Community,
            Self::Building,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }

    /// The level a node directly under this one must have.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::Province => Some(Self::City),
            Self::City => Some(Self::County),
            Self::County => Some(Self::Street),
            Self::Street => Some(Self::Community),
            Self::Community => Some(Self::Building),
            Self::Building => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JurisdictionView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: JurisdictionLevel,
    pub name: String,
    /// Names from the root down to this node, e.g. `["江南省", "临江市", …]`.
    #[serde(default)]
    pub path: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_descend_from_province_to_building() {
        let mut level = JurisdictionLevel::Province;
        let mut seen = vec![level];
        while let Some(next) = level.child() {
            assert!(next > level);
            seen.push(next);
            level = next;
        }
        assert_eq!(seen.len(), 6);
        for l in seen {
            assert_eq!(JurisdictionLevel::parse(l.as_str()), Some(l));
        }
    }
}
