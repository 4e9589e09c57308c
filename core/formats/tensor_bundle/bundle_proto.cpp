#include "formats/tensor_bundle/bundle_proto.h"

#include "formats/tensor_bundle/wire.h"

namespace graft::tfbundle {

namespace {

constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kLengthDelimited = 2;
constexpr std::uint32_t kFixed32 = 5;

// Protobuf reads int32 fields by truncating the 64-bit varint (negatives take 10 bytes).
std::int32_t asInt32(std::uint64_t v) { return static_cast<std::int32_t>(static_cast<std::uint32_t>(v)); }
std::int64_t asInt64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
// ...and writes them sign-extended to 64 bits.
std::uint64_t fromInt32(std::int32_t v) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(v)); }
std::uint64_t fromInt64(std::int64_t v) { return static_cast<std::uint64_t>(v); }

std::string_view asView(std::span<const std::byte> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Field loop shared by every decoder: onField returns false for fields it does not take,
// which are then skipped by wire type (protobuf treats a known number with an unexpected
// wire type as unknown, too).
template <typename OnField>
void forEachField(std::string_view bytes, OnField&& onField) {
  WireReader r(bytes);
  std::uint32_t field = 0;
  std::uint32_t wireType = 0;
  while (r.nextField(field, wireType))
    if (!onField(r, field, wireType)) r.skip(wireType);
}

// ---- BundleHeaderProto -------------------------------------------------------------------

void mergeVersion(std::string_view bytes, VersionDef& v) {
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 1 && wt == kVarint) {
      v.producer = asInt32(r.varint64());
    } else if (field == 2 && wt == kVarint) {
      v.minConsumer = asInt32(r.varint64());
    } else if (field == 3 && wt == kVarint) {
      v.badConsumers.push_back(asInt32(r.varint64()));
    } else if (field == 3 && wt == kLengthDelimited) {  // packed
      WireReader packed(r.lengthDelimited());
      while (!packed.atEnd()) v.badConsumers.push_back(asInt32(packed.varint64()));
    } else {
      return false;
    }
    return true;
  });
}

std::string encodeVersion(const VersionDef& v) {
  WireWriter w;
  if (v.producer != 0) w.fieldVarint(1, fromInt32(v.producer));
  if (v.minConsumer != 0) w.fieldVarint(2, fromInt32(v.minConsumer));
  if (!v.badConsumers.empty()) {  // proto3 packs repeated scalars
    WireWriter packed;
    for (const auto c : v.badConsumers) packed.varint(fromInt32(c));
    w.fieldBytes(3, packed.data());
  }
  return w.take();
}

// ---- BundleEntryProto --------------------------------------------------------------------

void mergeShape(std::string_view bytes, BundleEntry& e) {
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 2 && wt == kLengthDelimited) {
      std::int64_t size = 0;  // Dim.name (field 2) is never used in checkpoints: dropped
      forEachField(asView(r.lengthDelimited()), [&](WireReader& d, std::uint32_t f, std::uint32_t t) {
        if (f != 1 || t != kVarint) return false;
        size = asInt64(d.varint64());
        return true;
      });
      e.shape.push_back(size);
    } else if (field == 3 && wt == kVarint) {
      e.unknownRank = r.varint64() != 0;
    } else {
      return false;
    }
    return true;
  });
}

std::vector<SliceExtent> decodeSlice(std::string_view bytes) {
  std::vector<SliceExtent> extents;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field != 1 || wt != kLengthDelimited) return false;
    SliceExtent x;
    forEachField(asView(r.lengthDelimited()), [&](WireReader& d, std::uint32_t f, std::uint32_t t) {
      if (f == 1 && t == kVarint) {
        x.start = asInt64(d.varint64());
      } else if (f == 2 && t == kVarint) {
        x.length = asInt64(d.varint64());
      } else {
        return false;
      }
      return true;
    });
    extents.push_back(x);
    return true;
  });
  return extents;
}

std::string encodeShape(const BundleEntry& e) {
  WireWriter w;
  for (const auto d : e.shape) {
    WireWriter dim;
    if (d != 0) dim.fieldVarint(1, fromInt64(d));
    w.fieldBytes(2, dim.data());
  }
  if (e.unknownRank) w.fieldVarint(3, 1);
  return w.take();
}

std::string encodeSlice(const std::vector<SliceExtent>& extents) {
  WireWriter w;
  for (const auto& x : extents) {
    WireWriter ext;
    if (x.start != 0) ext.fieldVarint(1, fromInt64(x.start));
    if (x.length) ext.fieldVarint(2, fromInt64(*x.length));  // oneof: emitted even when 0
    w.fieldBytes(1, ext.data());
  }
  return w.take();
}

// ---- TrackableObjectGraph ----------------------------------------------------------------

// `stringFirst` is set when the string field precedes an integer one (see stringFieldsFirst).
ObjectReference decodeReference(std::string_view bytes, bool& stringFirst) {
  ObjectReference ref;
  bool sawString = false;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 1 && wt == kVarint) {
      ref.nodeId = asInt32(r.varint64());
      stringFirst = stringFirst || sawString;
    } else if (field == 2 && wt == kLengthDelimited) {
      ref.localName = asView(r.lengthDelimited());
      sawString = true;
    } else {
      return false;
    }
    return true;
  });
  return ref;
}

SerializedTensor decodeSerializedTensor(std::string_view bytes) {
  SerializedTensor t;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (wt != kLengthDelimited || field < 1 || field > 3) return false;
    std::string& target = field == 1 ? t.name : field == 2 ? t.fullName : t.checkpointKey;
    target = asView(r.lengthDelimited());
    return true;
  });
  return t;
}

SlotVariableReference decodeSlotReference(std::string_view bytes, bool& stringFirst) {
  SlotVariableReference s;
  bool sawString = false;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 1 && wt == kVarint) {
      s.originalVariableNodeId = asInt32(r.varint64());
      stringFirst = stringFirst || sawString;
    } else if (field == 2 && wt == kLengthDelimited) {
      s.slotName = asView(r.lengthDelimited());
      sawString = true;
    } else if (field == 3 && wt == kVarint) {
      s.slotVariableNodeId = asInt32(r.varint64());
      stringFirst = stringFirst || (sawString && s.originalVariableNodeId == 0);
    } else {
      return false;
    }
    return true;
  });
  return s;
}

TrackableObject decodeTrackableObject(std::string_view bytes, bool& stringFirst) {
  TrackableObject obj;
  WireReader r(bytes);
  std::uint32_t field = 0;
  std::uint32_t wt = 0;
  for (std::size_t start = r.position(); r.nextField(field, wt); start = r.position()) {
    if (field == 1 && wt == kLengthDelimited) {
      obj.children.push_back(decodeReference(asView(r.lengthDelimited()), stringFirst));
    } else if (field == 2 && wt == kLengthDelimited) {
      obj.attributes.push_back(decodeSerializedTensor(asView(r.lengthDelimited())));
    } else if (field == 3 && wt == kLengthDelimited) {
      obj.slotVariables.push_back(decodeSlotReference(asView(r.lengthDelimited()), stringFirst));
    } else {
      r.skip(wt);  // kept verbatim, key included, so re-encoding preserves it
      obj.otherFields.append(bytes.substr(start, r.position() - start));
    }
  }
  return obj;
}

std::string encodeTrackableObject(const TrackableObject& obj, bool stringFirst) {
  WireWriter w;
  for (const auto& c : obj.children) {
    WireWriter m;
    if (stringFirst && !c.localName.empty()) m.fieldBytes(2, c.localName);
    if (c.nodeId != 0) m.fieldVarint(1, fromInt32(c.nodeId));
    if (!stringFirst && !c.localName.empty()) m.fieldBytes(2, c.localName);
    w.fieldBytes(1, m.data());
  }
  for (const auto& a : obj.attributes) {
    WireWriter m;
    if (!a.name.empty()) m.fieldBytes(1, a.name);
    if (!a.fullName.empty()) m.fieldBytes(2, a.fullName);
    if (!a.checkpointKey.empty()) m.fieldBytes(3, a.checkpointKey);
    w.fieldBytes(2, m.data());
  }
  for (const auto& s : obj.slotVariables) {
    WireWriter m;
    if (stringFirst && !s.slotName.empty()) m.fieldBytes(2, s.slotName);
    if (s.originalVariableNodeId != 0) m.fieldVarint(1, fromInt32(s.originalVariableNodeId));
    if (!stringFirst && !s.slotName.empty()) m.fieldBytes(2, s.slotName);
    if (s.slotVariableNodeId != 0) m.fieldVarint(3, fromInt32(s.slotVariableNodeId));
    w.fieldBytes(3, m.data());
  }
  w.raw(obj.otherFields);
  return w.take();
}

}  // namespace

BundleHeader decodeHeader(std::string_view bytes) {
  BundleHeader h;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 1 && wt == kVarint) {
      h.numShards = asInt32(r.varint64());
    } else if (field == 2 && wt == kVarint) {
      h.endianness = asInt32(r.varint64());
    } else if (field == 3 && wt == kLengthDelimited) {
      if (!h.version) h.version.emplace();  // a repeated sub-message merges, as in protobuf
      mergeVersion(asView(r.lengthDelimited()), *h.version);
    } else {
      return false;
    }
    return true;
  });
  return h;
}

BundleEntry decodeEntry(std::string_view bytes) {
  BundleEntry e;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field == 1 && wt == kVarint) {
      e.dtype = asInt32(r.varint64());
    } else if (field == 2 && wt == kLengthDelimited) {
      mergeShape(asView(r.lengthDelimited()), e);
    } else if (field == 3 && wt == kVarint) {
      e.shardId = asInt32(r.varint64());
    } else if (field == 4 && wt == kVarint) {
      e.offset = asInt64(r.varint64());
    } else if (field == 5 && wt == kVarint) {
      e.size = asInt64(r.varint64());
    } else if (field == 6 && wt == kFixed32) {
      e.crc32c = r.fixed32();
    } else if (field == 7 && wt == kLengthDelimited) {
      e.slices.push_back(decodeSlice(asView(r.lengthDelimited())));
    } else {
      return false;
    }
    return true;
  });
  return e;
}

TrackableObjectGraph decodeObjectGraph(std::string_view bytes) {
  TrackableObjectGraph g;
  forEachField(bytes, [&](WireReader& r, std::uint32_t field, std::uint32_t wt) {
    if (field != 1 || wt != kLengthDelimited) return false;
    g.nodes.push_back(decodeTrackableObject(asView(r.lengthDelimited()), g.stringFieldsFirst));
    return true;
  });
  return g;
}

std::string encodeHeader(const BundleHeader& header) {
  WireWriter w;
  if (header.numShards != 0) w.fieldVarint(1, fromInt32(header.numShards));
  if (header.endianness != 0) w.fieldVarint(2, fromInt32(header.endianness));
  if (header.version) w.fieldBytes(3, encodeVersion(*header.version));
  return w.take();
}

std::string encodeEntry(const BundleEntry& entry) {
  WireWriter w;
  if (entry.dtype != 0) w.fieldVarint(1, fromInt32(entry.dtype));
  w.fieldBytes(2, encodeShape(entry));  // TF always sets the shape, even a scalar's empty one
  if (entry.shardId != 0) w.fieldVarint(3, fromInt32(entry.shardId));
  if (entry.offset != 0) w.fieldVarint(4, fromInt64(entry.offset));
  if (entry.size != 0) w.fieldVarint(5, fromInt64(entry.size));
  if (entry.crc32c != 0) w.fieldFixed32(6, entry.crc32c);
  for (const auto& slice : entry.slices) w.fieldBytes(7, encodeSlice(slice));
  return w.take();
}

std::string encodeObjectGraph(const TrackableObjectGraph& graph) {
  WireWriter w;
  for (const auto& node : graph.nodes) w.fieldBytes(1, encodeTrackableObject(node, graph.stringFieldsFirst));
  return w.take();
}

}  // namespace graft::tfbundle
