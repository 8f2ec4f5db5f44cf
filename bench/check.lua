-- check.lua: wrk script for bench/run's warm-up runs.  wrk counts
-- non-2xx responses but never looks at a body; this counts the
-- responses that are not 200 or lack the expected text, and shows the
-- first of them.  usage: wrk -s check.lua URL -- TEXT

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	want = args[1]
	bad = 0
	first = ""
end

function response(status, headers, body)
	if status ~= 200 or not string.find(body, want, 1, true) then
		if bad == 0 then
			first = status .. " " .. body
		end
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local n, first = 0, ""

	for _, t in ipairs(threads) do
		n = n + t:get("bad")
		if first == "" then
			first = t:get("first")
		end
	end
	io.write(string.format("check: %d of %d unexpected\n", n,
	    summary.requests))
	if n > 0 then
		io.write("check: first: " .. first:gsub("%s+", " ") .. "\n")
	end
end
