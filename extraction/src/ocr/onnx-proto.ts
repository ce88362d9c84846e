import protobuf from "protobufjs";

// onnx.proto (ONNX IR 10) as a protobufjs JSON descriptor, complete enough that decoding a model
// and encoding it again gives back the same bytes (protobufjs drops fields it does not know, so a
// subset would silently strip a model it patches). Field numbers follow the published onnx.proto;
// names are camelCase. Used to write docsift-kie and to patch PP-OCR's recogniser.
// onnx.proto is proto2: repeated numbers are packed only where it says so, and protobufjs would
// pack every one of them by default.
const packed = { packed: true };
const expanded = { packed: false };
const entries = { rule: "repeated", type: "StringStringEntryProto" } as const;
const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            metadataProps: { ...entries, id: 14 },
            trainingInfo: { rule: "repeated", type: "TrainingInfoProto", id: 20 },
            functions: { rule: "repeated", type: "FunctionProto", id: 25 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        TrainingInfoProto: {
          fields: {
            initialization: { type: "GraphProto", id: 1 },
            algorithm: { type: "GraphProto", id: 2 },
            initializationBinding: { ...entries, id: 3 },
            updateBinding: { ...entries, id: 4 },
          },
        },
        FunctionProto: {
          fields: {
            name: { type: "string", id: 1 },
            input: { rule: "repeated", type: "string", id: 4 },
            output: { rule: "repeated", type: "string", id: 5 },
            attribute: { rule: "repeated", type: "string", id: 6 },
            node: { rule: "repeated", type: "NodeProto", id: 7 },
            docString: { type: "string", id: 8 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 9 },
            domain: { type: "string", id: 10 },
            attributeProto: { rule: "repeated", type: "AttributeProto", id: 11 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            overload: { type: "string", id: 13 },
            metadataProps: { ...entries, id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
            quantizationAnnotation: { rule: "repeated", type: "TensorAnnotation", id: 14 },
            sparseInitializer: { rule: "repeated", type: "SparseTensorProto", id: 15 },
            metadataProps: { ...entries, id: 16 },
          },
        },
        TensorAnnotation: {
          fields: {
            tensorName: { type: "string", id: 1 },
            quantParameterTensorNames: { ...entries, id: 2 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            domain: { type: "string", id: 7 },
            overload: { type: "string", id: 8 },
            metadataProps: { ...entries, id: 9 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            floats: { rule: "repeated", type: "float", id: 7, options: expanded },
            ints: { rule: "repeated", type: "int64", id: 8, options: expanded },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            tensors: { rule: "repeated", type: "TensorProto", id: 10 },
            graphs: { rule: "repeated", type: "GraphProto", id: 11 },
            docString: { type: "string", id: 13 },
            tp: { type: "TypeProto", id: 14 },
            typeProtos: { rule: "repeated", type: "TypeProto", id: 15 },
            type: { type: "int32", id: 20 },
            refAttrName: { type: "string", id: 21 },
            sparseTensor: { type: "SparseTensorProto", id: 22 },
            sparseTensors: { rule: "repeated", type: "SparseTensorProto", id: 23 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1, options: expanded },
            dataType: { type: "int32", id: 2 },
            segment: { type: "Segment", id: 3 },
            floatData: { rule: "repeated", type: "float", id: 4, options: packed },
            int32Data: { rule: "repeated", type: "int32", id: 5, options: packed },
            stringData: { rule: "repeated", type: "bytes", id: 6 },
            int64Data: { rule: "repeated", type: "int64", id: 7, options: packed },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
            doubleData: { rule: "repeated", type: "double", id: 10, options: packed },
            uint64Data: { rule: "repeated", type: "uint64", id: 11, options: packed },
            docString: { type: "string", id: 12 },
            externalData: { ...entries, id: 13 },
            dataLocation: { type: "int32", id: 14 },
            metadataProps: { ...entries, id: 16 },
          },
          nested: {
            Segment: { fields: { begin: { type: "int64", id: 1 }, end: { type: "int64", id: 2 } } },
          },
        },
        SparseTensorProto: {
          fields: {
            values: { type: "TensorProto", id: 1 },
            indices: { type: "TensorProto", id: 2 },
            dims: { rule: "repeated", type: "int64", id: 3, options: expanded },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
            metadataProps: { ...entries, id: 4 },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { type: "TypeProtoTensor", id: 1 },
            sequenceType: { type: "TypeProtoSequence", id: 4 },
            mapType: { type: "TypeProtoMap", id: 5 },
            denotation: { type: "string", id: 6 },
            sparseTensorType: { type: "TypeProtoTensor", id: 8 },
            optionalType: { type: "TypeProtoSequence", id: 9 },
          },
        },
        TypeProtoTensor: {
          fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } },
        },
        // Sequence and Optional both hold one element type in field 1.
        TypeProtoSequence: { fields: { elemType: { type: "TypeProto", id: 1 } } },
        TypeProtoMap: {
          fields: { keyType: { type: "int32", id: 1 }, valueType: { type: "TypeProto", id: 2 } },
        },
        TensorShapeProto: { fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } } },
        Dimension: {
          fields: {
            dimValue: { type: "int64", id: 1 },
            dimParam: { type: "string", id: 2 },
            denotation: { type: "string", id: 3 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ModelProto = root.lookupType("onnx.ModelProto");

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;
