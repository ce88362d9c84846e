// @azure/functions is a CommonJS bundle: under ESM only some named exports are detected, so the
// classes come from the default export. Types are imported normally (erased at run time).
import functions from "@azure/functions";

export const { app, HttpRequest, HttpResponse, InvocationContext } = functions;
export type {
  HttpRequest as HttpRequestType,
  HttpResponseInit,
  InvocationContext as InvocationContextType,
  Timer,
} from "@azure/functions";
