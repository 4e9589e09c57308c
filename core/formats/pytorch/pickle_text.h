#pragma once
// Text conversions the unpickler needs: Python 3 strings are UTF-8 in the pickle, protocol-2
// `bytes` arrive as latin-1 text (_codecs.encode(s, "latin1")), protocol 0 uses
// raw-unicode-escape and Python string literals.

#include <optional>
#include <string>
#include <string_view>

namespace graft::pytorch {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(std::string_view s);
void appendUtf8(std::string& out, char32_t cp);
// The bytes whose latin-1 decoding is the UTF-8 text `utf8`; nullopt when a character is
// above U+00FF or the text is not UTF-8.
std::optional<std::string> latin1Bytes(std::string_view utf8);
// Latin-1 bytes as UTF-8 text.
std::string latin1ToUtf8(std::string_view bytes);
// Protocol 0 UNICODE argument: latin-1 with \uXXXX and \UXXXXXXXX escapes; nullopt if malformed.
std::optional<std::string> rawUnicodeEscape(std::string_view s);
// Protocol 0 STRING argument: a quoted Python literal ('...' or "...") with backslash escapes,
// as bytes; nullopt if malformed.
std::optional<std::string> pythonStringLiteral(std::string_view s);

}  // namespace graft::pytorch
