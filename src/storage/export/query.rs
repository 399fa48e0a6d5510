//! The export, built in one query so that it reads one snapshot and no
//! value changes type on the way out. `$1`, `$2`: platform and external
//! id; `$3`, `$4`: the format and version written. Timestamps come out in
//! UTC (the transaction sets the zone).
//!
//! Rows are named as the document names them (see [`super`]): members and
//! channels by platform id, teams by name, and posts, answers, seasons and
//! rounds by a number local to the file (`ref`: their order of creation).
//! A competition post's or win's `period_key` names its season or round by
//! that number too (`"2"` for season ref 2, `"1:q3"` for round ref 1), so
//! an import can give them the new server's ids; a reward's season key
//! (`s:<id>`) likewise becomes `s:<ref>`.
//!
//! A team season's teams are numbered in the file (`team`): the teams
//! deleted since (a re-balance re-deals them) first, then the current ones
//! (named by `current`), each in order of creation. An import gives the
//! deleted ones new ids before it creates the current teams, so the order
//! of ids (a season board's tie-break between two teams of one name) and
//! the numbering come out the same.
//!
//! Of the role changes to send, only those not yet delivered or given up
//! travel: the rest is delivery history.

/// See the module.
pub(super) const EXPORT: &str = r#"
WITH g AS (SELECT * FROM guilds WHERE platform = $1 AND external_id = $2),
m AS (SELECT m.* FROM members m JOIN g ON m.guild_id = g.id),
c AS (SELECT c.* FROM channels c JOIN g ON c.guild_id = g.id),
p AS (SELECT p.*, row_number() OVER (ORDER BY p.id) AS ref, c.external_id AS channel
      FROM posts p JOIN c ON p.channel_id = c.id),
a AS (SELECT a.*, row_number() OVER (ORDER BY a.id) AS ref, p.ref AS post_ref
      FROM answers a JOIN p ON a.post_id = p.id),
s AS (SELECT s.*, row_number() OVER (ORDER BY s.id) AS ref FROM seasons s JOIN g ON s.guild_id = g.id),
r AS (SELECT r.*, row_number() OVER (ORDER BY r.id) AS ref FROM rounds r JOIN c ON r.channel_id = c.id),
cp AS (SELECT cp.*, c.external_id AS channel, CASE cp.kind
         WHEN 'season' THEN (SELECT s.ref::text FROM s WHERE s.id::text = cp.period_key)
         WHEN 'round' THEN (SELECT r.ref::text || substr(cp.period_key, length(r.id::text) + 1)
                            FROM r WHERE r.id::text = split_part(cp.period_key, ':', 1))
         ELSE cp.period_key END AS file_key
       FROM competition_posts cp JOIN c ON c.id = cp.channel_id),
st AS (SELECT st.*, s.ref AS season_ref, t.name AS current,
         dense_rank() OVER (ORDER BY t.id IS NOT NULL, st.team_id) AS team_ref
       FROM season_teams st JOIN s ON s.id = st.season_id
       LEFT JOIN teams t ON t.id = st.team_id AND t.guild_id = s.guild_id),
w AS (SELECT w.*, CASE w.kind WHEN 'season' THEN (SELECT s.ref::text FROM s WHERE s.id::text = w.period_key)
         ELSE w.period_key END AS file_key
      FROM competition_wins w JOIN g ON w.guild_id = g.id)
SELECT jsonb_build_object(
  'format', $3::text, 'version', $4::bigint,
  'guild', (SELECT jsonb_build_object('platform', platform, 'external_id', external_id,
            'disabled_topics', disabled_topics, 'created_at', created_at,
            'scoring', (SELECT to_jsonb(x) - 'guild_id' FROM scoring_settings x WHERE x.guild_id = g.id),
            'rewards', (SELECT to_jsonb(x) - 'guild_id' - 'champion_channel_id' - 'champion_key'
              || jsonb_build_object('champion_channel', (SELECT c.external_id FROM c WHERE c.id = x.champion_channel_id),
                'champion_key', CASE WHEN x.champion_key LIKE 's:%'
                  THEN (SELECT 's:' || s.ref FROM s WHERE 's:' || s.id = x.champion_key) ELSE x.champion_key END)
              FROM reward_settings x WHERE x.guild_id = g.id)) FROM g),
  'members', (SELECT coalesce(jsonb_agg(jsonb_build_object('external_id', external_id,
            'display_name', display_name, 'hidden', hidden) ORDER BY id), '[]') FROM m),
  'channels', (SELECT coalesce(jsonb_agg(jsonb_build_object('external_id', c.external_id,
            'daily', (SELECT to_jsonb(d) - 'channel_id' - 'set_by'
              || jsonb_build_object('set_by', (SELECT s.external_id FROM members s WHERE s.id = d.set_by))
              FROM daily_settings d WHERE d.channel_id = c.id),
            'winners', (SELECT to_jsonb(x) - 'channel_id' FROM winners_settings x WHERE x.channel_id = c.id))
            ORDER BY c.id), '[]') FROM c),
  'custom_questions', (SELECT coalesce(jsonb_agg(jsonb_build_object('question_id', q.question_id,
            'toml', q.toml, 'added_by', m.external_id, 'added_at', q.added_at)
            ORDER BY q.added_at, q.question_id), '[]')
            FROM custom_questions q JOIN g ON q.guild_id = g.id LEFT JOIN m ON m.id = q.added_by),
  'seasons', (SELECT coalesce(jsonb_agg(to_jsonb(s) - 'id' - 'guild_id' - 'channel_id' - 'started_by'
            || jsonb_build_object('channel', c.external_id, 'started_by', m.external_id) ORDER BY s.ref), '[]')
            FROM s JOIN c ON c.id = s.channel_id LEFT JOIN m ON m.id = s.started_by),
  'posts', (SELECT coalesce(jsonb_agg(to_jsonb(p) - 'id' - 'channel_id' - 'member_id'
            || jsonb_build_object('member', m.external_id) ORDER BY p.ref), '[]')
            FROM p LEFT JOIN m ON m.id = p.member_id),
  'answers', (SELECT coalesce(jsonb_agg(to_jsonb(a) - 'id' - 'post_id' - 'member_id' - 'post_ref'
            || jsonb_build_object('post', a.post_ref, 'member', m.external_id) ORDER BY a.ref), '[]')
            FROM a JOIN m ON m.id = a.member_id),
  'point_events', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'answer', a.ref, 'topic', e.topic, 'delta', e.delta, 'local_day', e.local_day, 'at', e.at)
            ORDER BY e.id), '[]')
            FROM point_events e JOIN g ON e.guild_id = g.id JOIN m ON m.id = e.member_id
            JOIN a ON a.id = e.answer_id),
  'board_totals', (SELECT coalesce(jsonb_agg(jsonb_build_object('scope', b.scope,
            'member', m.external_id, 'points', b.points) ORDER BY b.scope, m.id), '[]')
            FROM board_totals b JOIN g ON b.guild_id = g.id JOIN m ON m.id = b.member_id
            WHERE b.scope NOT LIKE 's:%'),
  'season_totals', (SELECT coalesce(jsonb_agg(jsonb_build_object('season', s.ref,
            'member', m.external_id, 'points', b.points) ORDER BY s.ref, m.id), '[]')
            FROM board_totals b JOIN g ON b.guild_id = g.id JOIN m ON m.id = b.member_id
            JOIN s ON b.scope = 's:' || s.id),
  'streaks', (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', c.external_id,
            'member', m.external_id, 'current', s.current, 'best', s.best, 'last_date', s.last_date)
            ORDER BY c.id, m.id), '[]')
            FROM streaks s JOIN c ON c.id = s.channel_id JOIN m ON m.id = s.member_id),
  'regrades', (SELECT coalesce(jsonb_agg(jsonb_build_object('answer', a.ref,
            'by_member', m.external_id, 'old_verdict', r.old_verdict, 'new_verdict', r.new_verdict,
            'old_points', r.old_points, 'new_points', r.new_points, 'note', r.note, 'at', r.at)
            ORDER BY r.id), '[]')
            FROM regrades r JOIN a ON a.id = r.answer_id LEFT JOIN m ON m.id = r.by_member),
  'sql_attempts', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'question_id', t.question_id, 'tries', t.tries, 'last_at', t.last_at)
            ORDER BY m.id, t.question_id), '[]')
            FROM sql_attempts t JOIN m ON m.id = t.member_id),
  'teams', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'created_at', t.created_at)
            ORDER BY t.id), '[]') FROM teams t JOIN g ON t.guild_id = g.id),
  'team_members', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'team', t.name, 'joined_at', tm.joined_at) ORDER BY t.id, m.id), '[]')
            FROM team_members tm JOIN teams t ON t.id = tm.team_id JOIN g ON t.guild_id = g.id
            JOIN m ON m.id = tm.member_id),
  'rounds', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'id' - 'channel_id' - 'started_by'
            || jsonb_build_object('channel', c.external_id, 'started_by', m.external_id) ORDER BY r.ref), '[]')
            FROM r JOIN c ON c.id = r.channel_id LEFT JOIN m ON m.id = r.started_by),
  'round_questions', (SELECT coalesce(jsonb_agg(jsonb_build_object('round', r.ref, 'n', q.n,
            'post', p.ref) ORDER BY r.ref, q.n), '[]')
            FROM round_questions q JOIN r ON r.id = q.round_id JOIN p ON p.id = q.post_id),
  'competition_posts', (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', cp.channel,
            'kind', cp.kind, 'period_key', cp.file_key, 'claimed_at', cp.claimed_at,
            'delivery_attempted_at', cp.delivery_attempted_at, 'delivered_at', cp.delivered_at,
            'gave_up', cp.gave_up) ORDER BY cp.id), '[]') FROM cp),
  'competition_wins', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'kind', w.kind, 'period_key', w.file_key, 'won_at', w.won_at)
            ORDER BY w.won_at, w.kind, w.file_key, m.id), '[]')
            FROM w JOIN m ON m.id = w.member_id),
  'season_teams', (SELECT coalesce(jsonb_agg(jsonb_build_object('season', st.season_ref,
            'team', st.team_ref, 'current', st.current, 'name', st.name, 'won_at', st.won_at)
            ORDER BY st.season_ref, st.team_ref), '[]') FROM st),
  'season_members', (SELECT coalesce(jsonb_agg(jsonb_build_object('season', st.season_ref,
            'member', m.external_id, 'team', st.team_ref, 'joined_at', sm.joined_at)
            ORDER BY st.season_ref, m.id), '[]')
            FROM season_members sm JOIN st ON st.season_id = sm.season_id AND st.team_id = sm.team_id
            JOIN m ON m.id = sm.member_id),
  'reward_roles', (SELECT coalesce(jsonb_agg(jsonb_build_object('reward', x.reward,
            'role_id', x.role_id, 'updated_at', x.updated_at) ORDER BY x.reward), '[]')
            FROM reward_roles x JOIN g ON x.guild_id = g.id),
  'member_rewards', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'reward', x.reward, 'tier', x.tier, 'since', x.since,
            'period_key', CASE WHEN x.period_key LIKE 's:%'
              THEN (SELECT 's:' || s.ref FROM s WHERE 's:' || s.id = x.period_key) ELSE x.period_key END)
            ORDER BY m.id, x.reward), '[]')
            FROM member_rewards x JOIN m ON m.id = x.member_id),
  'reward_role_changes', (SELECT coalesce(jsonb_agg(jsonb_build_object('member', m.external_id,
            'role_id', x.role_id, 'give', x.give, 'reward', x.reward, 'created_at', x.created_at,
            'delivery_attempted_at', x.delivery_attempted_at) ORDER BY x.id), '[]')
            FROM reward_role_changes x JOIN m ON m.id = x.member_id
            WHERE x.delivered_at IS NULL AND x.gave_up IS NULL)
) FROM g
"#;
