DROP TABLE remote_requests;
