-- Argo CD health of a dovetail.dev DatabaseMigration (Lua 5.1, as Argo CD's gopher-lua runs it).
--   Progressing  the operator has not observed this spec yet, or it is expanding, backfilling,
--                verifying, contracting, rolling back, or waiting on a gate (lag, lock, soak) or
--                on the pre-migration snapshot (SnapshotPending: no DDL before it is ready)
--   Healthy      Ready=True: the requested phase is reached (Expanded, Contracted, RolledBack,
--                Abandoned) and verified
--   Suspended    spec.paused, or spec.dryRun (reason DryRun: the plan is in status, nothing runs)
--   Degraded     a failure a person must look at (the reasons below)
local hs = {}

local degraded = {
  InvalidSpec = true,
  DatabaseUnreachable = true,
  BackfillFailed = true,
  VerificationFailed = true,
  VerificationMismatch = true,
  ExpandNotVerified = true,
  ContractIrreversible = true,
  ExpandTimedOut = true,
  SnapshotFailed = true,
}

local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(status, c)
  local phase = status.phase or "Pending"
  if c == nil or c.message == nil or c.message == "" then
    return phase
  end
  return phase .. ": " .. c.message
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Dovetail operator to observe the migration"
  return hs
end
-- A status older than the spec says nothing about the spec: never Healthy on a fresh commit.
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Dovetail operator to observe generation " .. tostring(generation)
    .. " (status describes " .. tostring(status.observedGeneration or "none") .. ")"
  return hs
end

local ready = condition(status, "Ready")
local progressing = condition(status, "Progressing")
if ready == nil then
  hs.status = "Progressing"
  hs.message = describe(status, progressing)
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(status, ready)
  return hs
end
if (obj.spec ~= nil and obj.spec.paused == true) or ready.reason == "Paused" or ready.reason == "DryRun" then
  hs.status = "Suspended"
  hs.message = describe(status, ready)
  return hs
end
if degraded[ready.reason] or status.phase == "Failed" or status.phase == "Invalid" then
  hs.status = "Degraded"
  hs.message = describe(status, ready)
  return hs
end
hs.status = "Progressing"
hs.message = describe(status, progressing or ready)
return hs
