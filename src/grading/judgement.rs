//! The LLM grader's reply: the per-key-point JSON the model is asked for,
//! validated strictly and turned into a [`Grade`]. Anything off (not JSON,
//! an unknown field, a missing or repeated index, an index out of range, a
//! wrong type, an unknown verdict) is an error, and the caller falls back to
//! the key-point grader.

use super::{Grade, MisconceptionHit, Verdict};
use crate::bank::{KeyPoint, Misconception};
use serde::Deserialize;

/// The JSON shape the model must reply with, described for the prompt.
pub const SHAPE: &str = r#"{"key_points": [{"index": 0, "covered": true, "evidence": "the words of the answer that state it"}, ...one entry per key point], "misconceptions": [{"index": 0, "asserted": false}, ...one entry per misconception], "verdict": "correct" | "partial" | "incorrect", "feedback": "one or two sentences"}"#;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    key_points: Vec<PointJudgement>,
    #[serde(default)]
    misconceptions: Vec<ClaimJudgement>,
    verdict: String,
    #[serde(default)]
    feedback: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointJudgement {
    index: usize,
    covered: bool,
    #[serde(default)]
    evidence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimJudgement {
    index: usize,
    asserted: bool,
}

/// Checks that `indexes` holds each of `0..n` exactly once.
fn each_once(what: &str, indexes: impl Iterator<Item = usize>, n: usize) -> Result<(), String> {
    let mut seen = vec![false; n];
    for i in indexes {
        match seen.get_mut(i) {
            None => return Err(format!("no {what} {i}")),
            Some(true) => return Err(format!("{what} {i} judged twice")),
            Some(s) => *s = true,
        }
    }
    match seen.iter().position(|s| !s) {
        Some(i) => Err(format!("{what} {i} not judged")),
        None => Ok(()),
    }
}

/// Reads the model's reply (tolerating text or code fences around the JSON
/// object) into a grade. A covered key point needs evidence quoted from the
/// answer; an asserted misconception caps the verdict at `partial`.
pub fn to_grade(
    content: &str,
    key_points: &[KeyPoint],
    misconceptions: &[Misconception],
) -> Result<Grade, String> {
    let (start, end) = content
        .find('{')
        .zip(content.rfind('}'))
        .ok_or("no JSON object")?;
    let r: Reply = serde_json::from_str(content.get(start..=end).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    each_once(
        "key point",
        r.key_points.iter().map(|k| k.index),
        key_points.len(),
    )?;
    each_once(
        "misconception",
        r.misconceptions.iter().map(|m| m.index),
        misconceptions.len(),
    )?;
    let mut grade = Grade {
        verdict: r.verdict.parse::<Verdict>()?,
        ..Grade::empty()
    };
    let (mut got, mut total) = (0u32, 0u32);
    for (i, kp) in key_points.iter().enumerate() {
        total += u32::from(kp.weight);
        let j = r.key_points.iter().find(|k| k.index == i);
        if j.is_some_and(|j| j.covered && !j.evidence.trim().is_empty()) {
            got += u32::from(kp.weight);
            grade.covered.push(kp.point.clone());
        } else {
            grade.missed.push(kp.point.clone());
        }
    }
    grade.score = got as f32 / total.max(1) as f32;
    for m in r.misconceptions.iter().filter(|m| m.asserted) {
        let c = &misconceptions[m.index];
        grade.detail.push(super::claims::note(c));
        grade.misconceptions.push(MisconceptionHit {
            claim: c.claim.clone(),
            why: c.why.clone(),
        });
    }
    if !grade.misconceptions.is_empty() && grade.verdict == Verdict::Correct {
        grade.verdict = Verdict::Partial;
    }
    let feedback = r.feedback.trim();
    if !feedback.is_empty() {
        grade.detail.push(feedback.chars().take(500).collect());
    }
    grade.settle_score();
    Ok(grade)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kp(point: &str) -> KeyPoint {
        KeyPoint {
            point: point.into(),
            phrases: vec!["x".into()],
            weight: 1,
            about: None,
        }
    }

    fn misconception() -> Misconception {
        Misconception {
            claim: "Queues are synchronous.".into(),
            why: "Both are asynchronous.".into(),
            phrases: vec!["queue is synchronous".into()],
        }
    }

    #[test]
    fn a_full_reply_becomes_a_grade_capped_by_a_misconception() {
        let reply = r#"{"key_points": [{"index": 0, "covered": true, "evidence": "one consumer"},
            {"index": 1, "covered": false}], "misconceptions": [{"index": 0, "asserted": true}],
            "verdict": "correct"}"#;
        let g = to_grade(reply, &[kp("a"), kp("b")], &[misconception()]).unwrap();
        assert_eq!(g.verdict, Verdict::Partial);
        assert_eq!((g.covered.len(), g.score), (1, 0.5));
        assert_eq!(g.misconceptions[0].claim, "Queues are synchronous.");
    }

    #[test]
    fn a_covered_point_without_evidence_does_not_count() {
        let reply = r#"{"key_points": [{"index": 0, "covered": true}, {"index": 1, "covered": true, "evidence": "b"}], "verdict": "partial"}"#;
        let g = to_grade(reply, &[kp("a"), kp("b")], &[]).unwrap();
        assert_eq!(g.covered, ["b"]);
    }

    #[test]
    fn malformed_replies_are_errors() {
        let kps = [kp("a"), kp("b")];
        let m = [misconception()];
        let bad = [
            r#"{"key_points": [{"index": 0, "covered": true, "evidence": "a"}], "misconceptions": [{"index": 0, "asserted": false}], "verdict": "correct"}"#,
            r#"{"key_points": [{"index": 0, "covered": true}, {"index": 2, "covered": true}], "misconceptions": [{"index": 0, "asserted": false}], "verdict": "correct"}"#,
            r#"{"key_points": [{"index": 0, "covered": "yes"}, {"index": 1, "covered": true}], "misconceptions": [{"index": 0, "asserted": false}], "verdict": "correct"}"#,
            r#"{"key_points": [{"index": 0, "covered": true}, {"index": 1, "covered": true}], "verdict": "correct"}"#,
            r#"{"key_points": [{"index": 0, "covered": true}, {"index": 1, "covered": true}], "misconceptions": [{"index": 0, "asserted": false}], "verdict": "great"}"#,
            r#"{"key_points": [{"index": 0, "covered": true}, {"index": 1, "covered": true}], "misconceptions": [{"index": 0, "asserted": false}], "verdict": "correct", "score": 1}"#,
            r#"{"covered": [1], "verdict": "correct"}"#,
        ];
        for reply in bad {
            assert!(to_grade(reply, &kps, &m).is_err(), "{reply}");
        }
    }
}
