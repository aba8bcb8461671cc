//! The consultation-feedback and target-committee tables as data: each row
//! reviews an outline part, each response carries a status from a closed set
//! and points to the sections where it landed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackFile {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub region: Option<String>,
    /// Column headers as printed.
    #[serde(default)]
    pub columns: Vec<String>,
    pub items: Vec<FeedbackItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackItem {
    /// Outline id of the reviewed chapter or section.
    pub target: String,
    /// A row label instead of the target's title (the committee table's 신규고용).
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub opinions: Vec<String>,
    #[serde(default)]
    pub responses: Vec<Response>,
    /// The 비고 column as printed: the published plan's own page numbers.
    #[serde(default)]
    pub printed_pages: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    #[serde(default)]
    pub status: Option<Status>,
    pub text: String,
    /// Outline ids where the change landed.
    #[serde(default)]
    pub sections: Vec<String>,
}

/// The seed's status tags, combined ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Status {
    #[serde(rename = "수정 반영")]
    Revised,
    #[serde(rename = "일부 수정 반영")]
    PartlyRevised,
    #[serde(rename = "기반영")]
    AlreadyReflected,
    #[serde(rename = "미반영")]
    NotReflected,
    #[serde(rename = "중장기 반영")]
    LongTerm,
    #[serde(rename = "일부 기반영 및 중장기 검토 예정")]
    PartlyReflectedLongTerm,
    #[serde(rename = "확인 반영 및 중장기 검토 예정")]
    CheckedLongTerm,
    #[serde(rename = "계획 반영 사항")]
    PlanReflected,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Revised,
        Status::PartlyRevised,
        Status::AlreadyReflected,
        Status::NotReflected,
        Status::LongTerm,
        Status::PartlyReflectedLongTerm,
        Status::CheckedLongTerm,
        Status::PlanReflected,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Revised => "수정 반영",
            Status::PartlyRevised => "일부 수정 반영",
            Status::AlreadyReflected => "기반영",
            Status::NotReflected => "미반영",
            Status::LongTerm => "중장기 반영",
            Status::PartlyReflectedLongTerm => "일부 기반영 및 중장기 검토 예정",
            Status::CheckedLongTerm => "확인 반영 및 중장기 검토 예정",
            Status::PlanReflected => "계획 반영 사항",
        }
    }

    /// A change made in the plan because of the opinion: the section shows
    /// the 컨설팅 반영 mark.
    pub fn marks_section(self) -> bool {
        matches!(self, Status::Revised | Status::PartlyRevised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_the_seed_tags_and_reject_others() {
        let r: Response = serde_saphyr::from_str("{ status: 수정 반영, text: x }").expect("parses");
        assert_eq!(r.status, Some(Status::Revised));
        assert!(serde_saphyr::from_str::<Response>("{ status: 반영함, text: x }").is_err());
        assert!(Status::PartlyRevised.marks_section() && !Status::NotReflected.marks_section());
    }
}
