"""Entity resolution: records and mentions that name the same real person, phone, document or vehicle."""
