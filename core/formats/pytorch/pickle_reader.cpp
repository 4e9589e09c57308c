#include "formats/pytorch/pickle_reader.h"

#include <bit>
#include <charconv>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "formats/pytorch/pickle_text.h"
#include "formats/pytorch/torch_calls.h"
#include "formats/pytorch/torch_types.h"

namespace graft::pytorch {
namespace {

std::string hexByte(unsigned char c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[c >> 4] + kDigits[c & 15];
}

class Machine {
 public:
  Machine(std::string_view in, const PickleLimits& limits) : in_(in), data_(limits) {}

  PickleData run() {
    try {
      for (;;) {
        opcodeAt_ = pos_;
        if (step()) return std::move(data_);
      }
    } catch (const PickleError& e) {  // from here or from an interpreted call: say where
      throw PickleError("byte " + std::to_string(opcodeAt_) + ": " + e.what());
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw PickleError(what); }

  // ---- input ------------------------------------------------------------------------
  std::string_view take(std::uint64_t n) {
    if (n > in_.size() - pos_) fail("truncated pickle (needs " + std::to_string(n) + " bytes, " + std::to_string(in_.size() - pos_) + " left)");
    const std::string_view s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  std::uint64_t le(int bytes) {
    const std::string_view s = take(static_cast<std::uint64_t>(bytes));
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
    return v;
  }
  std::uint64_t be64() {
    const std::string_view s = take(8);
    std::uint64_t v = 0;
    for (const char c : s) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  }
  std::string_view line() {
    const std::size_t end = in_.find('\n', pos_);
    if (end == std::string_view::npos) fail("truncated pickle (a text argument has no end of line)");
    const std::string_view s = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }

  // ---- stack, marks, memo -----------------------------------------------------------
  std::size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(Ref r) {
    if (stack_.size() >= data_.limits().maxStack) fail("the pickle stack grows beyond " + std::to_string(data_.limits().maxStack) + " entries");
    stack_.push_back(r);
  }
  Ref pop() {
    if (stack_.size() <= base()) fail("stack underflow");
    const Ref r = stack_.back();
    stack_.pop_back();
    return r;
  }
  Ref top() const {
    if (stack_.size() <= base()) fail("stack underflow");
    return stack_.back();
  }
  // The items above the innermost mark, which is removed.
  std::vector<Ref> popMark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const std::size_t at = marks_.back();
    marks_.pop_back();
    std::vector<Ref> items(stack_.begin() + static_cast<std::ptrdiff_t>(at), stack_.end());
    stack_.resize(at);
    return items;
  }
  void put(std::uint64_t index) {
    if (index > 0xFFFFFFFFu) fail("memo index " + std::to_string(index) + " is out of range");
    const Ref value = top();
    if (const auto it = memo_.find(static_cast<std::uint32_t>(index)); it != memo_.end()) {
      it->second = value;
      return;
    }
    if (memo_.size() >= data_.limits().maxMemo) fail("the memo grows beyond " + std::to_string(data_.limits().maxMemo) + " entries");
    memo_.emplace(static_cast<std::uint32_t>(index), value);
  }
  void get(std::uint64_t index) {
    const auto it = index <= 0xFFFFFFFFu ? memo_.find(static_cast<std::uint32_t>(index)) : memo_.end();
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    push(it->second);
  }

  // ---- values -----------------------------------------------------------------------
  void pushInt(std::int64_t v) { push(data_.addInteger(ValueKind::Int, v)); }
  void pushString(std::string_view s) {
    if (!isValidUtf8(s)) fail("a string is not valid UTF-8");
    push(data_.addText(ValueKind::String, std::string(s)));
  }
  // Python 2 `str`: text when it is UTF-8 (torch.load decodes it so), bytes otherwise.
  void pushPython2String(std::string_view s) {
    push(data_.addText(isValidUtf8(s) ? ValueKind::String : ValueKind::Bytes, std::string(s)));
  }
  // LONG1/LONG4: little-endian two's complement of n bytes.
  void pushLong(std::string_view bytes) {
    if (bytes.empty()) return pushInt(0);
    if (bytes.size() > 8) {
      // Beyond int64 unless it is a sign extension of a shorter number.
      const auto fill = static_cast<unsigned char>(static_cast<unsigned char>(bytes.back()) & 0x80 ? 0xFF : 0x00);
      bool extension = true;
      for (std::size_t i = 8; i < bytes.size(); ++i) extension = extension && static_cast<unsigned char>(bytes[i]) == fill;
      extension = extension && ((static_cast<unsigned char>(bytes[7]) & 0x80) == (fill & 0x80));
      if (!extension) return push(data_.add(ValueKind::BigInt));
      bytes = bytes.substr(0, 8);
    }
    std::uint64_t v = 0;
    for (std::size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    if (bytes.size() < 8 && (static_cast<unsigned char>(bytes.back()) & 0x80)) v |= ~std::uint64_t{0} << (8 * bytes.size());
    pushInt(static_cast<std::int64_t>(v));
  }
  // INT / LONG text: decimal, "01"/"00" for True/False, LONG with a trailing 'L'.
  void pushDecimal(std::string_view s, bool isInt) {
    if (isInt && s == "01") return push(data_.addInteger(ValueKind::Bool, 1));
    if (isInt && s == "00") return push(data_.addInteger(ValueKind::Bool, 0));
    if (!isInt && !s.empty() && s.back() == 'L') s.remove_suffix(1);
    std::int64_t v = 0;
    const char* first = s.data() + (!s.empty() && s.front() == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) return push(data_.add(ValueKind::BigInt));
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) fail("malformed integer text");
    pushInt(v);
  }
  Ref makeGlobal(std::string module, const std::string& name) {
    // Python 2 module names, as torch.load remaps them.
    if (module == "__builtin__") module = "builtins";
    else if (module == "copy_reg") module = "copyreg";
    std::string global = module + "." + name;
    if (!isInterpretedGlobal(global)) data_.noteStubbed(global);
    return data_.addText(ValueKind::Global, std::move(global));
  }
  std::string typeNameOf(Ref cls) const {
    if (data_.kind(cls) == ValueKind::Global) return data_.text(cls);
    if (data_.kind(cls) == ValueKind::Object) return data_.object(cls).typeName + "()";
    return "a call of a " + std::string(valueKindName(data_.kind(cls)));
  }
  void pushObject(std::string typeName) { push(data_.addObject(ObjectInfo{std::move(typeName), std::nullopt})); }

  // ---- containers ---------------------------------------------------------------------
  // Appends to a list; an inert placeholder swallows what its real class would have stored.
  void appendTo(Ref target, const std::vector<Ref>& items, ValueKind want, const char* op) {
    const ValueKind k = data_.kind(target);
    if (k == ValueKind::Object) return;
    if (k != want) fail(std::string(op) + " on a " + std::string(valueKindName(k)));
    auto& dest = data_.mutableItems(target);
    dest.insert(dest.end(), items.begin(), items.end());
  }
  void setItems(std::vector<Ref> items) {
    if (items.size() % 2) fail("SETITEMS with an odd number of items");
    appendTo(top(), items, ValueKind::Dict, "SETITEM");
  }

  // BINPERSID: ('storage', StorageClass, key, location, numel) -> a storage reference.
  void persistentLoad(Ref pid) {
    const auto items = data_.kind(pid) == ValueKind::Tuple ? data_.items(pid) : std::span<const Ref>();
    if (items.empty() || data_.kind(items[0]) != ValueKind::String || data_.text(items[0]) != "storage")
      return pushObject("persistent id");
    if (items.size() != 5 || data_.kind(items[1]) != ValueKind::Global || data_.kind(items[2]) != ValueKind::String ||
        data_.kind(items[3]) != ValueKind::String || data_.kind(items[4]) != ValueKind::Int || data_.integer(items[4]) < 0)
      fail("malformed storage persistent id (expected 'storage', a storage class, a key, a location and a size)");
    StorageInfo s;
    s.typeName = data_.text(items[1]);
    if (!isStorageClass(s.typeName)) fail("persistent id names '" + s.typeName + "', which is not a storage class");
    s.key = data_.text(items[2]);
    s.location = data_.text(items[3]);
    s.dtype = storageClassDtype(s.typeName);
    const auto numel = static_cast<std::uint64_t>(data_.integer(items[4]));
    const std::uint64_t elementSize = isUntypedStorageClass(s.typeName) || !s.dtype ? 1 : dtypeSize(*s.dtype);
    if (__builtin_mul_overflow(numel, elementSize, &s.byteSize)) fail("storage '" + s.key + "' has a size that overflows");
    push(data_.addStorage(std::move(s)));
  }

  // One opcode; true at STOP.
  bool step() {
    const auto op = static_cast<unsigned char>(take(1)[0]);
    switch (op) {
      // framing
      case 0x80: {  // PROTO
        const auto p = static_cast<int>(le(1));
        if (p > 5) fail("pickle protocol " + std::to_string(p) + " is newer than 5");
        data_.setProtocol(p);
        return false;
      }
      case 0x95: le(8); return false;  // FRAME: a hint for buffered readers
      case '.': data_.setRoot(pop()); return true;  // STOP
      // stack and memo
      case '(':
        if (marks_.size() >= data_.limits().maxMarks) fail("MARKs nest deeper than " + std::to_string(data_.limits().maxMarks));
        marks_.push_back(stack_.size());
        return false;
      case '0':  // POP: the top item, or a mark standing on top
        if (stack_.size() > base()) stack_.pop_back();
        else popMark();
        return false;
      case '1': popMark(); return false;  // POP_MARK
      case '2': push(top()); return false;  // DUP
      case 'q': put(le(1)); return false;  // BINPUT
      case 'r': put(le(4)); return false;  // LONG_BINPUT
      case 'p': {  // PUT
        std::uint64_t index = 0;
        const std::string_view s = line();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), index);
        if (ec != std::errc() || end != s.data() + s.size()) fail("malformed PUT index");
        put(index);
        return false;
      }
      case 0x94: put(memo_.size()); return false;  // MEMOIZE
      case 'h': get(le(1)); return false;  // BINGET
      case 'j': get(le(4)); return false;  // LONG_BINGET
      case 'g': {  // GET
        std::uint64_t index = 0;
        const std::string_view s = line();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), index);
        if (ec != std::errc() || end != s.data() + s.size()) fail("malformed GET index");
        get(index);
        return false;
      }
      // scalars
      case 'N': push(data_.add(ValueKind::None)); return false;
      case 0x88: push(data_.addInteger(ValueKind::Bool, 1)); return false;  // NEWTRUE
      case 0x89: push(data_.addInteger(ValueKind::Bool, 0)); return false;  // NEWFALSE
      case 'K': pushInt(static_cast<std::int64_t>(le(1))); return false;  // BININT1
      case 'M': pushInt(static_cast<std::int64_t>(le(2))); return false;  // BININT2
      case 'J': pushInt(static_cast<std::int32_t>(static_cast<std::uint32_t>(le(4)))); return false;  // BININT
      case 0x8a: pushLong(take(le(1))); return false;  // LONG1
      case 0x8b: {  // LONG4
        const auto n = static_cast<std::int32_t>(static_cast<std::uint32_t>(le(4)));
        if (n < 0) fail("negative LONG4 length");
        pushLong(take(static_cast<std::uint64_t>(n)));
        return false;
      }
      case 'I': pushDecimal(line(), true); return false;   // INT
      case 'L': pushDecimal(line(), false); return false;  // LONG
      case 'G': push(data_.addFloat(std::bit_cast<double>(be64()))); return false;  // BINFLOAT, big-endian
      case 'F': {  // FLOAT
        const std::string text(line());
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) fail("malformed FLOAT text");
        push(data_.addFloat(v));
        return false;
      }
      // strings
      case 'X': pushString(take(le(4))); return false;     // BINUNICODE
      case 0x8c: pushString(take(le(1))); return false;    // SHORT_BINUNICODE
      case 0x8d: pushString(take(le(8))); return false;    // BINUNICODE8
      case 'V': {                                          // UNICODE
        auto s = rawUnicodeEscape(line());
        if (!s) fail("malformed UNICODE text");
        push(data_.addText(ValueKind::String, std::move(*s)));
        return false;
      }
      case 'C': push(data_.addText(ValueKind::Bytes, std::string(take(le(1))))); return false;  // SHORT_BINBYTES
      case 'B': push(data_.addText(ValueKind::Bytes, std::string(take(le(4))))); return false;  // BINBYTES
      case 0x8e:  // BINBYTES8
      case 0x96: push(data_.addText(ValueKind::Bytes, std::string(take(le(8))))); return false;  // BYTEARRAY8
      case 'U': pushPython2String(take(le(1))); return false;  // SHORT_BINSTRING
      case 'T': {  // BINSTRING
        const auto n = static_cast<std::int32_t>(static_cast<std::uint32_t>(le(4)));
        if (n < 0) fail("negative BINSTRING length");
        pushPython2String(take(static_cast<std::uint64_t>(n)));
        return false;
      }
      case 'S': {  // STRING
        auto s = pythonStringLiteral(line());
        if (!s) fail("malformed STRING literal");
        pushPython2String(*s);
        return false;
      }
      // containers
      case ')': push(data_.add(ValueKind::Tuple)); return false;
      case 't': push(data_.addItems(ValueKind::Tuple, popMark())); return false;
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        std::vector<Ref> items(static_cast<std::size_t>(op - 0x84));
        for (std::size_t i = items.size(); i-- > 0;) items[i] = pop();
        push(data_.addItems(ValueKind::Tuple, std::move(items)));
        return false;
      }
      case ']': push(data_.add(ValueKind::List)); return false;
      case 'l': push(data_.addItems(ValueKind::List, popMark())); return false;  // LIST
      case 'a': {  // APPEND
        const Ref item = pop();
        appendTo(top(), {item}, ValueKind::List, "APPEND");
        return false;
      }
      case 'e': {  // APPENDS
        const auto items = popMark();
        appendTo(top(), items, ValueKind::List, "APPENDS");
        return false;
      }
      case '}': push(data_.add(ValueKind::Dict)); return false;
      case 'd': {  // DICT
        auto items = popMark();
        if (items.size() % 2) fail("DICT with an odd number of items");
        push(data_.addItems(ValueKind::Dict, std::move(items)));
        return false;
      }
      case 's': {  // SETITEM
        const Ref value = pop(), key = pop();
        setItems({key, value});
        return false;
      }
      case 'u': setItems(popMark()); return false;  // SETITEMS
      case 0x8f: push(data_.add(ValueKind::Set)); return false;  // EMPTY_SET
      case 0x90: {  // ADDITEMS
        const auto items = popMark();
        appendTo(top(), items, ValueKind::Set, "ADDITEMS");
        return false;
      }
      case 0x91: push(data_.addItems(ValueKind::Set, popMark())); return false;  // FROZENSET
      // objects: named, never imported or called
      case 'c': {  // GLOBAL
        const std::string module(line());
        const std::string name(line());
        push(makeGlobal(module, name));
        return false;
      }
      case 0x93: {  // STACK_GLOBAL
        const Ref name = pop(), module = pop();
        if (data_.kind(name) != ValueKind::String || data_.kind(module) != ValueKind::String) fail("STACK_GLOBAL of a non-string");
        push(makeGlobal(data_.text(module), data_.text(name)));
        return false;
      }
      case 'R': {  // REDUCE
        const Ref args = pop(), callable = pop();
        if (data_.kind(callable) == ValueKind::Global) push(interpretCall(data_, data_.text(callable), args));
        else pushObject(typeNameOf(callable));
        return false;
      }
      case 0x81: {  // NEWOBJ: cls.__new__(cls, *args)
        pop();
        pushObject(typeNameOf(pop()));
        return false;
      }
      case 0x92: {  // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
        pop();
        pop();
        pushObject(typeNameOf(pop()));
        return false;
      }
      case 'i': {  // INST: module, name, args from the mark
        const std::string module(line());
        const std::string name(line());
        popMark();
        pushObject(data_.text(makeGlobal(module, name)));
        return false;
      }
      case 'o': {  // OBJ: class and args from the mark
        const auto items = popMark();
        if (items.empty()) fail("OBJ without a class");
        pushObject(typeNameOf(items[0]));
        return false;
      }
      case 'b': {  // BUILD: kept as inert state of a placeholder; OrderedDict._metadata and tensor state ignored
        const Ref state = pop();
        const Ref target = top();
        if (data_.kind(target) == ValueKind::Object) data_.mutableObject(target).state = state;
        return false;
      }
      case 'Q': persistentLoad(pop()); return false;  // BINPERSID
      case 'P': line(); pushObject("persistent id"); return false;  // PERSID
      case 0x82:
      case 0x83:
      case 0x84: fail("extension-registry opcode " + hexByte(op) + " is not supported");
      case 0x97:
      case 0x98: fail("out-of-band buffer opcode " + hexByte(op) + " is not supported");
      default: fail("unknown pickle opcode " + hexByte(op));
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t opcodeAt_ = 0;
  PickleData data_;
  std::vector<Ref> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint32_t, Ref> memo_;
};

}  // namespace

PickleData unpickle(std::string_view bytes, const PickleLimits& limits) { return Machine(bytes, limits).run(); }

}  // namespace graft::pytorch
