-- wrk script: POSTs the file named by $BODY; $HEADER_LENGTH, when set, is sent as
-- Inference-Header-Content-Length (binary tensor data extension).
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local header = os.getenv("HEADER_LENGTH")
if header ~= nil and header ~= "" then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = header
end
