-- The append takes the events' data and metadata as one JSON array each, not as json[]:
-- an array parameter is sent as an array literal in which every quote of every event is
-- escaped, and parsed back element by element; a JSON array is the events' canonical JSON
-- joined with commas. json_array_elements on json hands each element back as its text,
-- so what is stored is still what the chain hashed (audit verify re-hashes it). The body
-- is 010's otherwise.
DROP FUNCTION append_events(text, integer, uuid[], text[], integer[], json[], json[], text[], text[]);
CREATE FUNCTION append_events(
  p_stream text, p_expected_head integer, p_event_ids uuid[], p_types text[], p_schema_versions integer[],
  p_data json, p_metadata json, p_previous_hashes text[], p_hashes text[]
) RETURNS TABLE (status text, stream_id text, stream_position integer, transaction_text text, global_position bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_head integer;
  v_head_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT e.stream_position, e.hash INTO v_head, v_head_hash
    FROM events e WHERE e.stream_id = p_stream ORDER BY e.stream_position DESC LIMIT 1;
  IF coalesce(v_head, -1) <> p_expected_head
     OR coalesce(v_head_hash, repeat('0', 64)) <> p_previous_hashes[1] THEN
    RETURN QUERY SELECT 'conflict'::text, p_stream, coalesce(v_head, -1), NULL::text, NULL::bigint;
    RETURN;
  END IF;
  RETURN QUERY
    WITH inserted AS (
      INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, previous_hash, hash)
      SELECT t.event_id, p_stream, p_expected_head + t.ord::integer, t.type, t.schema_version, d.data, m.metadata, t.previous_hash, t.hash
        FROM unnest(p_event_ids, p_types, p_schema_versions, p_previous_hashes, p_hashes)
             WITH ORDINALITY AS t(event_id, type, schema_version, previous_hash, hash, ord)
        JOIN json_array_elements(p_data) WITH ORDINALITY AS d(data, ord) ON d.ord = t.ord
        JOIN json_array_elements(p_metadata) WITH ORDINALITY AS m(metadata, ord) ON m.ord = t.ord
      RETURNING events.stream_id, events.stream_position, events.transaction_id, events.global_position)
    SELECT 'appended'::text, i.stream_id, i.stream_position, i.transaction_id::text, i.global_position FROM inserted i
     ORDER BY i.global_position DESC LIMIT 1;
  PERFORM pg_notify('klaster_events', '');
END $$;
