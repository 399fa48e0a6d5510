//! A seeded fuzz: one value of a real export (with every kind of
//! competition and reward data) changed at a time. Each import either
//! loads or is refused as a bad file that writes nothing, never with a
//! database error.

use super::competitions::{add_reward_roles, build_competitions};
use super::hostile::guilds;
use super::{drop_database, exported, fresh_database};
use crate::common::*;
use prepbot::storage::export::ImportError;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// A value of another type or shape than the one it replaces.
fn hostile_value(rng: &mut impl Rng) -> Value {
    match rng.gen_range(0..12) {
        0 => Value::Null,
        1 => true.into(),
        2 => (-1).into(),
        3 => i64::MAX.into(),
        4 => 1.5.into(),
        5 => "".into(),
        6 => "x".into(),
        7 => "2026-13-45".into(),
        8 => json!([]),
        9 => json!({"a": 1}),
        10 => "9".repeat(40).into(),
        _ => rng.gen_range(0..5).into(),
    }
}

/// Replaces one value of one row of `doc` (or of the guild) at random.
fn mutate(doc: &mut Value, rng: &mut impl Rng) -> String {
    let lists: Vec<String> = doc
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty()))
        .map(|(k, _)| k.clone())
        .collect();
    let value = hostile_value(rng);
    let (target, at) = if rng.gen_bool(0.1) {
        (&mut doc["guild"], "guild".to_owned())
    } else {
        let list = &lists[rng.gen_range(0..lists.len())];
        let rows = doc[list.as_str()].as_array_mut().unwrap();
        let i = rng.gen_range(0..rows.len());
        (&mut rows[i], format!("{list}[{i}]"))
    };
    let keys: Vec<String> = target.as_object().unwrap().keys().cloned().collect();
    let key = &keys[rng.gen_range(0..keys.len())];
    let said = format!("{at}.{key} = {value}");
    target[key.as_str()] = value;
    said
}

#[sqlx::test]
async fn one_value_changed_anywhere_in_a_file_is_loaded_or_refused_as_a_bad_file(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build_competitions(&w).await;
    add_reward_roles(&w).await;
    let doc = exported(&w).await;
    let (target, url) = fresh_database("fuzz").await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
    let (mut loaded, mut refused) = (0, 0);
    for _ in 0..150 {
        let mut bad = doc.clone();
        let change = mutate(&mut bad, &mut rng);
        match target.import_guild(&bad, false).await {
            Ok(_) => {
                loaded += 1;
                sqlx::query("DELETE FROM guilds")
                    .execute(target.pool())
                    .await
                    .unwrap();
            }
            Err(ImportError::BadFile(_)) => {
                refused += 1;
                assert_eq!(guilds(&target).await, 0, "{change}: nothing written");
            }
            Err(e) => panic!("{change}: {e}"),
        }
    }
    assert!(
        refused > 50 && loaded > 0,
        "{refused} refused, {loaded} loaded"
    );
    drop_database(target, &url).await;
}
