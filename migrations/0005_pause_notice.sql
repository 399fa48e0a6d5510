-- Who to tell when delivery pauses a schedule (issue 11): the admin who set
-- the schedule up is told once, by direct message, why the daily question
-- stopped and what to fix.
ALTER TABLE daily_settings
    ADD COLUMN set_by bigint REFERENCES members ON DELETE SET NULL; -- the member who last ran /daily setup here; NULL for schedules older than this column or whose admin was forgotten
