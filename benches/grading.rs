//! Grading speed: one free-text answer through the key-point grader.
//!
//! `cargo bench --bench grading`. Uses `stream-kafka-vs-kinesis` (6 key
//! points, 40 phrases) from `questions/` when the bank is there, otherwise a
//! built-in question of the same shape. Results: docs/benchmarks.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use prepbot::bank::{load_dir, Difficulty, KeyPoint, Question, QuestionId, QuestionKind, Topic};
use prepbot::grading::text::Analyzer;
use prepbot::grading::KeyPointGrader;

const LONG: &str = "Both are partitioned, append-only logs with ordering per partition/shard and replay. \
Kinesis is fully managed by AWS: you pick shards or on-demand and never touch a broker. Kafka you run \
yourself or buy as MSK or Confluent, which means operational work sizing brokers and partitions. A Kinesis \
shard has fixed quotas, 1 MB/s or 1,000 records/s in and 2 MB/s out, while a Kafka partition's throughput \
depends on hardware. Kinesis retention is 24 hours by default up to 365 days; Kafka can keep data forever \
and supports log compaction. Kafka also has exactly-once transactions, Kafka Connect and Kafka Streams. \
Kinesis integrates natively with Lambda, IAM and Firehose; Kafka is portable across clouds and on-prem.";

const SHORT: &str =
    "Kinesis is fully managed by AWS while Kafka is something you run yourself or buy as MSK.";

fn question() -> Question {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    let id = QuestionId::parse("stream-kafka-vs-kinesis").unwrap();
    if let Some(q) = load_dir(&root)
        .ok()
        .and_then(|b| b.get(&id).map(|q| (**q).clone()))
    {
        return q;
    }
    let point = |i: usize| KeyPoint {
        point: format!("key point {i} about kafka and kinesis"),
        phrases: (0..7).map(|k| format!("phrase {k} of point {i}")).collect(),
        weight: 1,
        about: None,
    };
    Question {
        id,
        topic: Topic::parse("streaming").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Medium,
        prompt: "Compare Apache Kafka with Amazon Kinesis Data Streams.".into(),
        answer: "a".into(),
        explanation: "e".into(),
        kind: QuestionKind::Open {
            key_points: (0..6).map(point).collect(),
            misconceptions: vec![],
            subjects: vec![],
        },
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

fn bench(c: &mut Criterion) {
    let q = question();
    let grader = KeyPointGrader::default();
    grader.assess(&q, SHORT).unwrap();
    c.bench_function("keypoints/long answer (130 words)", |b| {
        b.iter(|| grader.assess(black_box(&q), black_box(LONG)).unwrap())
    });
    c.bench_function("keypoints/short answer (17 words)", |b| {
        b.iter(|| grader.assess(black_box(&q), black_box(SHORT)).unwrap())
    });
    c.bench_function("keypoints/first answer to a question (uncached)", |b| {
        b.iter(|| {
            KeyPointGrader::default()
                .assess(black_box(&q), black_box(LONG))
                .unwrap()
        })
    });
    let analyzer = Analyzer::default();
    c.bench_function("text/analyse long answer", |b| {
        b.iter(|| analyzer.analyze(black_box(LONG)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
