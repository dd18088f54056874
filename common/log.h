// Structured logging for creditd: one line per event on stderr,
//   ts=2026-11-24T05:30:00.123Z level=info node=validator-0 msg="committed" height=12
// Values with spaces or quotes are quoted. Raw borrower IDs are never passed here.
//
// Thread safety: Log may be called from any thread; lines never interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "common/clock.h"

namespace cc {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
void SetLogNode(std::string name);
// The clock that stamps log lines (SystemClock until set). REQUIRES: `clock`
// outlives every later Log call.
void SetLogClock(const Clock* clock);
LogLevel ParseLogLevel(std::string_view name);  // unknown -> kInfo

using LogField = std::pair<std::string_view, std::string>;
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace cc
