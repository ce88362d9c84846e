import { AttributeType, DataType, ModelProto } from "./onnx-proto.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- a decoded protobuf message is untyped */

/**
 * Rewrites every hard-swish that paddle2onnx spelled out as four element-wise passes,
 * `Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)`, into two: `Mul(x, HardSigmoid(x; α = 1/6, β = 0.5))`
 * (HardSigmoid exists since opset 1, so the model's opset does not change). PP-OCRv4's detector
 * has 24 of them and its recogniser 28; ONNX Runtime fuses neither form, and its profile shows
 * element-wise Add/Mul/Clip/Div taking about half of both models' time. Outputs differ by float
 * rounding only (≤ 1e-6 on the recogniser's probabilities).
 *
 * Takes a decoded `onnx.ModelProto` and changes it in place; returns how many it rewrote.
 */
export function fuseHardSwish(model: any): number {
  const graph = model.graph;
  const producer = new Map<string, any>();
  const uses = new Map<string, number>();
  const countUses = (): void => {
    producer.clear();
    uses.clear();
    for (const node of graph.node) {
      for (const out of node.output) producer.set(out, node);
      for (const input of node.input) uses.set(input, (uses.get(input) ?? 0) + 1);
    }
    for (const out of graph.output) uses.set(out.name, (uses.get(out.name) ?? 0) + 1);
  };
  countUses();

  const scalar = (name: string | undefined): number | undefined => {
    if (!name) return undefined;
    const node = producer.get(name);
    const tensor =
      graph.initializer.find((t: any) => t.name === name) ??
      (node?.opType === "Constant" ? node.attribute.find((a: any) => a.name === "value")?.t : undefined);
    if (!tensor || tensor.dataType !== DataType.FLOAT) return undefined;
    if ((tensor.dims ?? []).reduce((n: number, d: unknown) => n * Number(d), 1) !== 1) return undefined;
    const raw: Uint8Array | undefined = tensor.rawData;
    if (raw && raw.byteLength === 4) return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
    return tensor.floatData?.length === 1 ? Number(tensor.floatData[0]) : undefined;
  };
  const floatAttribute = (node: any, name: string): number | undefined => {
    const attribute = node.attribute?.find((a: any) => a.name === name);
    return attribute ? Number(attribute.f) : undefined;
  };
  const onlyUse = (node: any): boolean => uses.get(node.output[0]) === 1;

  const dropped = new Set<any>();
  let fused = 0;
  for (const div of graph.node) {
    if (div.opType !== "Div" || scalar(div.input[1]) !== 6) continue;
    const mul = producer.get(div.input[0]);
    if (mul?.opType !== "Mul" || !onlyUse(mul)) continue;
    for (const side of [0, 1]) {
      const x: string = mul.input[side];
      const clip = producer.get(mul.input[1 - side]);
      if (clip?.opType !== "Clip" || !onlyUse(clip)) continue;
      // Opset < 11 holds Clip's bounds in attributes, later opsets in inputs.
      const min = clip.input.length > 1 ? scalar(clip.input[1]) : floatAttribute(clip, "min");
      const max = clip.input.length > 2 ? scalar(clip.input[2]) : floatAttribute(clip, "max");
      if (min !== 0 || max !== 6) continue;
      const add = producer.get(clip.input[0]);
      if (add?.opType !== "Add" || !onlyUse(add)) continue;
      const constantSide = add.input[0] === x ? 1 : add.input[1] === x ? 0 : -1;
      if (constantSide < 0 || scalar(add.input[constantSide]) !== 3) continue;
      add.opType = "HardSigmoid";
      add.input = [x];
      add.attribute = [
        { name: "alpha", type: AttributeType.FLOAT, f: 1 / 6 },
        { name: "beta", type: AttributeType.FLOAT, f: 0.5 },
      ];
      div.opType = "Mul";
      div.input = [x, add.output[0]];
      dropped.add(clip);
      dropped.add(mul);
      fused++;
      break;
    }
  }
  graph.node = graph.node.filter((node: any) => !dropped.has(node));
  // The Constant nodes only the rewritten nodes read (3, 0, 6) are dead now: ORT would warn
  // about each one at session creation.
  countUses();
  graph.node = graph.node.filter(
    (node: any) => node.opType !== "Constant" || node.output.some((o: string) => uses.has(o)),
  );
  return fused;
}

/** `fuseHardSwish` on an encoded model. */
export function fuseHardSwishInBytes(modelBytes: Uint8Array): { model: Uint8Array; fused: number } {
  const model = ModelProto.decode(modelBytes);
  const fused = fuseHardSwish(model);
  return { model: ModelProto.encode(model).finish(), fused };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
