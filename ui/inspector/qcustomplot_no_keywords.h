#pragma once
// qcustomplot.h spells Qt's `signals` and `foreach` keywords, which QT_NO_KEYWORDS switches off
// (core types have members named `slots`): lend the two keywords for this one include.

#ifndef signals
#define signals Q_SIGNALS
#define GRAFT_LENT_SIGNALS_KEYWORD
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define GRAFT_LENT_FOREACH_KEYWORD
#endif

#include <qcustomplot.h>

#ifdef GRAFT_LENT_SIGNALS_KEYWORD
#undef signals
#undef GRAFT_LENT_SIGNALS_KEYWORD
#endif
#ifdef GRAFT_LENT_FOREACH_KEYWORD
#undef foreach
#undef GRAFT_LENT_FOREACH_KEYWORD
#endif
