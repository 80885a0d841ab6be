// Where Kanta's backend is: one rule for every extension (../../kanta-api.ts).
export { kantaUrl } from "../../kanta-api";
