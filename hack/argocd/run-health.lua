-- Test runner: runs health.lua the way Argo CD does, with the object in the global `obj`.
-- Usage: lua5.1 run-health.lua <object.lua> <health.lua>; <object.lua> returns the object as a table literal
-- (JSON null becomes an absent key, as in Argo CD). Prints the status, a tab, and the message.
obj = dofile(arg[1])
local hs = dofile(arg[2])
io.write(tostring(hs.status), "\t", tostring(hs.message), "\n")
