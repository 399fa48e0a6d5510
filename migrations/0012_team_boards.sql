-- Team boards kept as running totals, seasons played by teams, and running
-- counts for the accuracy board (issue 14).
--
-- Every team board (a week, a month, all time, a topic, a team season) is
-- read from `team_totals`, which triggers keep equal to the team's members'
-- `board_totals` rows: a points change moves its member's team row, and a
-- membership change moves the member's rows from one team to another. The
-- team board is then a sum over 16 shards per team instead of a join of
-- every member to their totals (55 ms at 100,000 members).

-- Team seasons.
ALTER TABLE seasons
    ADD COLUMN teams boolean NOT NULL DEFAULT false; -- /season start teams:yes: played by teams, won by the team with the best average
COMMENT ON COLUMN seasons.teams IS 'Played by teams (/season start teams:yes): its board ranks the teams frozen in season_members, and the winning team''s active members get the win.';

-- The teams a team season is played by, as they were when it started (or
-- when their first member joined during it). Kept apart from `teams` so a
-- re-balance during the season, which deletes and re-deals the teams, does
-- not change who plays for whom.
CREATE TABLE season_teams (
    season_id bigint NOT NULL REFERENCES seasons ON DELETE CASCADE, -- the team season
    team_id   bigint NOT NULL,      -- teams.id when frozen; no foreign key, as the team may be deleted during the season and still plays it
    name      text NOT NULL,        -- the team's name then, shown on the season's boards, results and hall of fame
    won_at    timestamptz,          -- set when the season closed with this team at the best average (ties share the win); NULL otherwise
    PRIMARY KEY (season_id, team_id)
);

-- Who plays a team season for which team: frozen at the start, and a
-- member in no team then plays for the first team they join during it.
CREATE TABLE season_members (
    season_id bigint NOT NULL,      -- the team season
    member_id bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- the player
    team_id   bigint NOT NULL,      -- their team for the whole season (a season_teams row)
    joined_at timestamptz NOT NULL, -- when they were frozen in (the season's start) or joined
    PRIMARY KEY (season_id, member_id),
    FOREIGN KEY (season_id, team_id) REFERENCES season_teams ON DELETE CASCADE
);
CREATE INDEX season_members_by_member ON season_members (member_id);

-- The team board per scope. Derived: a trigger on board_totals and the
-- membership triggers below keep it; it can be rebuilt from board_totals,
-- team_members and season_members at any time (the tests do).
CREATE TABLE team_totals (
    guild_id bigint NOT NULL,   -- the server, as board_totals.guild_id (no foreign key, like board_counts: its rows go to 0 as the server's totals go)
    scope    text NOT NULL,     -- which board, as board_totals.scope; a team season's scope 's:ID' counts its roster, every other scope the current teams
    team_id  bigint NOT NULL,   -- teams.id (current teams) or season_teams.team_id (a team season's scope)
    shard    smallint NOT NULL, -- member_id % 16: concurrent answers of one team's members update 16 rows, not one (as board_counts)
    points   bigint NOT NULL,   -- sum of the points above 0 of this shard's members on this board
    active   bigint NOT NULL,   -- how many of them have points above 0 on it
    PRIMARY KEY (guild_id, scope, team_id, shard)
);

-- How many members each team has: '' for the current teams, 's:ID' for a
-- team season's roster. Derived, kept by the membership triggers.
CREATE TABLE team_sizes (
    roster   text NOT NULL,     -- '' (team_members) or 's:SEASON-ID' (season_members)
    team_id  bigint NOT NULL,   -- teams.id or season_teams.team_id
    members  bigint NOT NULL,   -- members in the team on that roster
    PRIMARY KEY (roster, team_id)
);

-- Moving a member's team reads their board rows by member.
CREATE INDEX board_totals_by_member ON board_totals (member_id);

-- A board_totals row changed: move its member's team row for that scope.
CREATE FUNCTION team_totals_follow_points() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint; s text; m bigint; team bigint;
    d_points bigint := 0;
    d_active bigint := 0;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        g := NEW.guild_id; s := NEW.scope; m := NEW.member_id;
        d_points := greatest(NEW.points, 0);
        d_active := (NEW.points > 0)::int;
    ELSE
        g := OLD.guild_id; s := OLD.scope; m := OLD.member_id;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        d_points := d_points - greatest(OLD.points, 0);
        d_active := d_active - (OLD.points > 0)::int;
    END IF;
    IF d_points = 0 AND d_active = 0 THEN
        RETURN NULL;
    END IF;
    IF s LIKE 's:%' THEN
        SELECT team_id INTO team FROM season_members
        WHERE season_id = substr(s, 3)::bigint AND member_id = m;
    ELSE
        SELECT team_id INTO team FROM team_members WHERE member_id = m;
    END IF;
    IF team IS NOT NULL THEN
        INSERT INTO team_totals (guild_id, scope, team_id, shard, points, active)
        VALUES (g, s, team, m % 16, d_points, d_active)
        ON CONFLICT (guild_id, scope, team_id, shard) DO UPDATE
        SET points = team_totals.points + EXCLUDED.points, active = team_totals.active + EXCLUDED.active;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER team_totals_follow_points
AFTER INSERT OR UPDATE OF points OR DELETE ON board_totals
FOR EACH ROW EXECUTE FUNCTION team_totals_follow_points();

-- Adds (sign 1) or takes away (sign -1) the board rows of `members`, each
-- in the team beside it, on roster `roster` ('' = every scope but a
-- season's; 's:ID' = that season's scope), and counts them in team_sizes.
-- The members' rows are locked first, so an answer in flight (which holds
-- its member's row from its foreign key check until it commits) is either
-- seen here or sees the new team.
CREATE FUNCTION team_totals_move(p_roster text, p_members bigint[], p_teams bigint[], p_sign int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM members WHERE id = ANY(p_members) ORDER BY id FOR UPDATE;
    INSERT INTO team_totals (guild_id, scope, team_id, shard, points, active)
    SELECT b.guild_id, b.scope, p.team_id, b.member_id % 16, p_sign * sum(b.points), p_sign * count(*)
    FROM unnest(p_members, p_teams) AS p(member_id, team_id)
    JOIN board_totals b ON b.member_id = p.member_id AND b.points > 0
    WHERE CASE WHEN p_roster = '' THEN b.scope NOT LIKE 's:%' ELSE b.scope = p_roster END
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (guild_id, scope, team_id, shard) DO UPDATE
    SET points = team_totals.points + EXCLUDED.points, active = team_totals.active + EXCLUDED.active;
    INSERT INTO team_sizes (roster, team_id, members)
    SELECT p_roster, p.team_id, p_sign * count(*) FROM unnest(p_teams) AS p(team_id) GROUP BY 1, 2
    ON CONFLICT (roster, team_id) DO UPDATE SET members = team_sizes.members + EXCLUDED.members;
END
$$;

CREATE FUNCTION team_members_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM team_totals_move('', array_agg(member_id), array_agg(team_id), 1) FROM joined HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION team_members_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM team_totals_move('', array_agg(member_id), array_agg(team_id), -1) FROM departed HAVING count(*) > 0;
    PERFORM team_totals_move('', array_agg(member_id), array_agg(team_id), 1) FROM joined HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- A team that is gone (deleted, or re-dealt by /team balance) leaves no rows.
CREATE FUNCTION team_members_left() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM team_totals_move('', array_agg(member_id), array_agg(team_id), -1) FROM departed HAVING count(*) > 0;
    DELETE FROM team_totals t WHERE t.team_id IN (SELECT team_id FROM departed)
        AND t.scope NOT LIKE 's:%' AND NOT EXISTS (SELECT 1 FROM teams WHERE id = t.team_id);
    DELETE FROM team_sizes z WHERE z.roster = '' AND z.team_id IN (SELECT team_id FROM departed)
        AND NOT EXISTS (SELECT 1 FROM teams WHERE id = z.team_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER team_members_joined AFTER INSERT ON team_members
REFERENCING NEW TABLE AS joined FOR EACH STATEMENT EXECUTE FUNCTION team_members_joined();
CREATE TRIGGER team_members_moved AFTER UPDATE ON team_members
REFERENCING OLD TABLE AS departed NEW TABLE AS joined FOR EACH STATEMENT EXECUTE FUNCTION team_members_moved();
CREATE TRIGGER team_members_left AFTER DELETE ON team_members
REFERENCING OLD TABLE AS departed FOR EACH STATEMENT EXECUTE FUNCTION team_members_left();

-- A team season's roster gains or loses members (rows are never updated).
CREATE FUNCTION season_members_joined() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT season_id, array_agg(member_id) AS ms, array_agg(team_id) AS ts FROM joined GROUP BY season_id LOOP
        PERFORM team_totals_move('s:' || r.season_id, r.ms, r.ts, 1);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION season_members_left() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT season_id, array_agg(member_id) AS ms, array_agg(team_id) AS ts FROM departed GROUP BY season_id LOOP
        PERFORM team_totals_move('s:' || r.season_id, r.ms, r.ts, -1);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER season_members_joined AFTER INSERT ON season_members
REFERENCING NEW TABLE AS joined FOR EACH STATEMENT EXECUTE FUNCTION season_members_joined();
CREATE TRIGGER season_members_left AFTER DELETE ON season_members
REFERENCING OLD TABLE AS departed FOR EACH STATEMENT EXECUTE FUNCTION season_members_left();

-- The teams of today, as the triggers would have kept them.
INSERT INTO team_totals (guild_id, scope, team_id, shard, points, active)
SELECT b.guild_id, b.scope, tm.team_id, b.member_id % 16, sum(b.points), count(*)
FROM board_totals b JOIN team_members tm ON tm.member_id = b.member_id
WHERE b.points > 0 AND b.scope NOT LIKE 's:%' GROUP BY 1, 2, 3, 4;
INSERT INTO team_sizes (roster, team_id, members)
SELECT '', team_id, count(*) FROM team_members GROUP BY team_id;

-- Running counts for the accuracy board: scored answers (a verdict, and
-- not practice) and right ones per member, on the all-time board and the
-- week and month of the answer's local day. Kept by a trigger on answers,
-- so the board reads one row per member instead of every answer.
CREATE TABLE accuracy_totals (
    guild_id  bigint NOT NULL REFERENCES guilds ON DELETE CASCADE,  -- the member's server
    scope     text NOT NULL,      -- 'all', 'w:MONDAY' or 'm:FIRST-OF-MONTH', as board_totals (local days)
    member_id bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- who answered
    answers   bigint NOT NULL,    -- scored answers (verdict set, counting not practice)
    correct   bigint NOT NULL,    -- of which verdict 'correct'
    PRIMARY KEY (guild_id, scope, member_id)
);

-- Counts (sign 1) or uncounts (sign -1) one answer of `member`.
CREATE FUNCTION accuracy_totals_add(member bigint, verdict text, counting text, day date, sign int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    IF verdict IS NULL OR counting = 'practice' THEN
        RETURN;
    END IF;
    -- The member row is gone only while it (or its server) is being
    -- deleted, and its counts go with it.
    SELECT m.guild_id INTO g FROM members m WHERE m.id = member;
    IF g IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO accuracy_totals AS t (guild_id, scope, member_id, answers, correct)
    SELECT g, s.scope, member, sign, sign * (verdict = 'correct')::int
    FROM unnest(ARRAY['all', 'w:' || date_trunc('week', day)::date,
                      'm:' || date_trunc('month', day)::date]) AS s(scope)
    ON CONFLICT (guild_id, scope, member_id) DO UPDATE
    SET answers = t.answers + EXCLUDED.answers, correct = t.correct + EXCLUDED.correct;
END
$$;

CREATE FUNCTION accuracy_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.verdict, OLD.counting, OLD.local_day, OLD.member_id)
        IS NOT DISTINCT FROM (NEW.verdict, NEW.counting, NEW.local_day, NEW.member_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM accuracy_totals_add(OLD.member_id, OLD.verdict, OLD.counting, OLD.local_day, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM accuracy_totals_add(NEW.member_id, NEW.verdict, NEW.counting, NEW.local_day, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER accuracy_totals_follow
AFTER INSERT OR UPDATE OF verdict, counting, local_day, member_id OR DELETE ON answers
FOR EACH ROW EXECUTE FUNCTION accuracy_totals_follow();

INSERT INTO accuracy_totals (guild_id, scope, member_id, answers, correct)
SELECT m.guild_id, s.scope, a.member_id, count(*), count(*) FILTER (WHERE a.verdict = 'correct')
FROM answers a JOIN members m ON m.id = a.member_id,
     LATERAL unnest(ARRAY['all', 'w:' || date_trunc('week', a.local_day)::date,
                          'm:' || date_trunc('month', a.local_day)::date]) AS s(scope)
WHERE a.verdict IS NOT NULL AND a.counting <> 'practice'
GROUP BY 1, 2, 3;
-- The accuracy board ranks a scope's members by share right. `correct` is
-- included so that a rank (a count of the members above) is an index-only
-- scan.
CREATE INDEX accuracy_totals_rank ON accuracy_totals
    (guild_id, scope, (correct::float8 / greatest(answers, 1)) DESC, answers DESC, member_id)
    INCLUDE (correct);
