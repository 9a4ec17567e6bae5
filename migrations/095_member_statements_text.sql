-- Member statements are written and read whole by the service, never queried inside
-- PostgreSQL. As jsonb, parsing them into PostgreSQL's binary form was most of the cost of
-- storing a month (0.2-0.3 s of every late file in a 4,209-member month, 3 MB of JSON);
-- as text they are the JSON the service wrote, parsed once when read (statement::jsonb
-- still reads a field for whoever inspects the table).
ALTER TABLE settlement_member_months ALTER COLUMN statement TYPE text USING statement::text;
