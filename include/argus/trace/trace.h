// The whole argus::trace API in one include.
#pragma once

#include "argus/trace/attribute.h"
#include "argus/trace/attribute_set.h"
#include "argus/trace/clock.h"
#include "argus/trace/console_exporter.h"
#include "argus/trace/expected.h"
#include "argus/trace/exporter.h"
#include "argus/trace/ids.h"
#include "argus/trace/in_memory_exporter.h"
#include "argus/trace/processor.h"
#include "argus/trace/resource.h"
#include "argus/trace/sampler.h"
#include "argus/trace/span_context.h"
#include "argus/trace/span_data.h"
#include "argus/trace/tracer.h"
